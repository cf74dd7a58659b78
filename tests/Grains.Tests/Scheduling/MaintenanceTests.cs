using System.Collections.Concurrent;
using Granary.Grains.Users;
using Granary.Grains.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>
/// The maintenance sweep: every silo schedules its periodic reminder at start (once, at the configured interval), and
/// a tick makes each expired record the read model lists forget itself.
/// </summary>
public sealed class MaintenanceTests(MaintenanceTests.Fixture fixture) : IClassFixture<MaintenanceTests.Fixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private IMaintenanceGrain Maintenance => fixture.Grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global);

    [Fact]
    public async Task SiloStart_RegistersTheSweepReminder_AndEnsureDoesNotPushItBack()
    {
        ReminderEntry? registered = null;
        await Poll.UntilAsync(async () => (registered = await fixture.Cluster.ReminderAsync(Maintenance, MaintenanceGrain.ReminderName)) is not null,
            "the silo's start-up to register the maintenance reminder");
        Assert.Equal(Interval, registered!.Period);

        await Maintenance.Ensure();

        Assert.Equal(registered.StartAt, (await fixture.Cluster.ReminderAsync(Maintenance, MaintenanceGrain.ReminderName))?.StartAt);
    }

    [Fact]
    public async Task Tick_MakesEveryExpiredRecordForgetItself()
    {
        var family = fixture.Grains.GetGrain<IRefreshTokenFamilyGrain>($"family-{Guid.NewGuid():N}");
        await family.Start("u1", "token-1", fixture.Time.GetUtcNow().AddHours(1));
        fixture.Expired.RefreshTokenFamilies.Enqueue(family.GetPrimaryKeyString());
        await Poll.UntilAsync(async () => await fixture.Cluster.ReminderAsync(Maintenance, MaintenanceGrain.ReminderName) is not null,
            "the silo's start-up to register the maintenance reminder");

        fixture.Time.Advance(TimeSpan.FromHours(2));
        await fixture.Cluster.TickAsync(Maintenance, MaintenanceGrain.ReminderName);

        Assert.Equal(RefreshStatus.Unknown, (await family.Rotate("token-1", "token-2", fixture.Time.GetUtcNow().AddDays(1))).Status);
    }

    /// <summary>A cluster whose read model lists the keys a test puts in <see cref="Expired"/>.</summary>
    public sealed class Fixture : ClusterFixture
    {
        public Fixture()
            : this(new ListedExpiredRecords())
        {
        }

        private Fixture(ListedExpiredRecords expired)
            : base(options => options.AddServices(services => services.AddSingleton<IExpiredRecords>(expired))) => Expired = expired;

        internal ListedExpiredRecords Expired { get; }
    }

    /// <summary>Lists the keys put in it, in key order, whatever the cut-off (the grains check their own age).</summary>
    internal sealed class ListedExpiredRecords : IExpiredRecords
    {
        public ConcurrentQueue<string> RefreshTokenFamilies { get; } = new();

        public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([.. RefreshTokenFamilies.Order(StringComparer.Ordinal).Where(k => afterKey is null || string.CompareOrdinal(k, afterKey) > 0).Take(limit)]);
    }
}
