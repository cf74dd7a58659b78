using System.Collections.Concurrent;
using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Scheduling;
using Granary.Grains.Tests.Emails;
using Granary.Grains.Tests.Infrastructure;
using Granary.Testing.Smtp;
using Microsoft.Extensions.DependencyInjection;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>
/// The reminder table losing its rows (Redis FLUSHALL): the maintenance reminder's absence tells
/// <see cref="IMaintenanceGrain.Ensure"/> to ask every grain that may hold due work to register its reminders again,
/// due when its stored state says; grains whose reminders are there, or whose work is done, register nothing.
/// </summary>
public sealed class ReminderRestoreTests(ReminderRestoreTests.Fixture fixture) : IClassFixture<ReminderRestoreTests.Fixture>
{
    private IMaintenanceGrain Maintenance => fixture.Grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global);

    [Fact]
    public async Task RemindersLost_EnsureRegistersEachAgain_DueWhenTheStoredStateSays_ThenTheSweepReminder()
    {
        await WaitForSweepReminderAsync();
        var orgId = NewOrg();
        // First, while no order email is on its way to the sink to take the refusal.
        fixture.Sink.RejectNext(1);
        var retrying = fixture.Grains.EmailJob(orgId, $"job-{Guid.NewGuid():N}");
        Assert.Equal(JobStatus.Retrying, (await retrying.Enqueue(EmailFixtures.Shipped(orgId))).Status);
        var pending = fixture.Grains.OrderGrain(orgId, "pending");
        var createdAt = fixture.Time.GetUtcNow();
        await pending.Create(Order(("A", 1)));
        var cancelled = fixture.Grains.OrderGrain(orgId, "cancelled");
        await cancelled.Create(Order(("A", 1)));
        await cancelled.Cancel("changed my mind");
        fixture.Due.List(DueWorkKind.PendingOrders, pending.GetPrimaryKeyString(), cancelled.GetPrimaryKeyString(), fixture.Grains.OrderGrain(orgId, "never-created").GetPrimaryKeyString());
        fixture.Due.List(DueWorkKind.UnfinishedEmailJobs, retrying.GetPrimaryKeyString());

        // The table loses every row; ten minutes pass on the grains' clock.
        await LoseAsync(pending, OrderGrain.AutoCancelReminder);
        await LoseAsync(retrying, EmailJobGrain.RetryReminder);
        await LoseAsync(Maintenance, MaintenanceGrain.ReminderName);
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        var before = DateTime.UtcNow;

        var report = await Maintenance.Ensure();
        var after = DateTime.UtcNow;

        Assert.Equal(new ReminderRestoreReport(Checked: 4, Restored: 2, Failed: 0), report);
        // The auto-cancel stays due 60 minutes after creation: 50 minutes from now, not 60.
        var autoCancel = await fixture.Cluster.ReminderAsync(pending, OrderGrain.AutoCancelReminder);
        Assert.NotNull(autoCancel);
        Assert.InRange(autoCancel.StartAt, before + (createdAt + TimeSpan.FromMinutes(60) - fixture.Time.GetUtcNow()) - TimeSpan.FromSeconds(1), after + TimeSpan.FromMinutes(50));
        // The retry was due five minutes after the failed attempt, which has passed: due at once.
        var retry = await fixture.Cluster.ReminderAsync(retrying, EmailJobGrain.RetryReminder);
        Assert.NotNull(retry);
        Assert.InRange(retry.StartAt, before - TimeSpan.FromSeconds(1), after + TimeSpan.FromSeconds(1));
        Assert.Null(await fixture.Cluster.ReminderAsync(cancelled, OrderGrain.AutoCancelReminder));
        Assert.NotNull(await fixture.Cluster.ReminderAsync(Maintenance, MaintenanceGrain.ReminderName));

        // Once the sweep's reminder is back, a check finds nothing missing and moves nothing.
        Assert.Null(await Maintenance.Ensure());
        Assert.Equal(autoCancel.StartAt, (await fixture.Cluster.ReminderAsync(pending, OrderGrain.AutoCancelReminder))?.StartAt);
    }

    [Fact]
    public async Task RemindersPresent_RestoreRegistersNothing_AndMovesNothing()
    {
        var orgId = NewOrg();
        var pending = fixture.Grains.OrderGrain(orgId, "pending");
        await pending.Create(Order(("A", 1)));
        var registered = await fixture.Cluster.ReminderAsync(pending, OrderGrain.AutoCancelReminder);
        Assert.NotNull(registered);

        Assert.Equal(0, await pending.RestoreReminders());

        Assert.Equal(registered.StartAt, (await fixture.Cluster.ReminderAsync(pending, OrderGrain.AutoCancelReminder))?.StartAt);
        // Its confirmation email is handed over before the test ends, so it can't take another test's SMTP refusal.
        await Poll.UntilAsync(async () => (await pending.GetPendingEvents()).Count == 0, "the order's outbox to be handed over");
    }

    private async Task WaitForSweepReminderAsync() =>
        await Poll.UntilAsync(async () => await fixture.Cluster.ReminderAsync(Maintenance, MaintenanceGrain.ReminderName) is not null,
            "the silo's start-up to register the maintenance reminder");

    /// <summary>Deletes the grain's reminder row from the table, as a store that lost its data would.</summary>
    private async Task LoseAsync(IAddressable grain, string name)
    {
        var table = fixture.Cluster.SiloServices.GetRequiredService<IReminderTable>();
        var row = await table.ReadRow(grain.GetGrainId(), name);
        Assert.True(row is not null, $"{grain.GetGrainId()} has no reminder '{name}' to lose.");
        Assert.True(await table.RemoveRow(grain.GetGrainId(), name, row.ETag!));
    }

    /// <summary>The email cluster (a retry is an SMTP refusal away), its periodic check an hour apart so only the test calls Ensure.</summary>
    public sealed class Fixture : EmailClusterFixture
    {
        public Fixture()
            : this(new ListedDueWork())
        {
        }

        private Fixture(ListedDueWork due)
            : base(new SmtpSink(), Delays, options => options
                .Set(("Jobs:ReminderCheckInterval", "01:00:00"))
                .AddServices(services => services.AddSingleton<IDueWorkRecords>(due))) => Due = due;

        internal ListedDueWork Due { get; }
    }

    /// <summary>Lists the keys put in it per kind, in key order (the real queries are ReadModel.Tests' to check).</summary>
    internal sealed class ListedDueWork : IDueWorkRecords
    {
        private readonly ConcurrentDictionary<DueWorkKind, ConcurrentBag<string>> _keys = new();

        public void List(DueWorkKind kind, params string[] keys)
        {
            foreach (var key in keys)
            {
                _keys.GetOrAdd(kind, _ => []).Add(key);
            }
        }

        public Task<IReadOnlyList<string>> KeysAsync(DueWorkKind kind, string? afterKey, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([.. (_keys.TryGetValue(kind, out var keys) ? keys : [])
                .Order(StringComparer.Ordinal).Where(k => afterKey is null || string.CompareOrdinal(k, afterKey) > 0).Take(limit)]);
    }
}
