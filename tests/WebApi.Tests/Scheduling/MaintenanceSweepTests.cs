using Granary.Grains;
using Granary.Grains.Orders;
using Granary.Grains.Scheduling;
using Granary.Grains.Users;
using Granary.Persistence;
using Granary.ReadModel;
using Granary.Runtime;
using Granary.Runtime.Testing;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.WebApi.Tests.Scheduling;

/// <summary>
/// The hourly maintenance sweep on real SQL storage: expired idempotency records and expired or revoked refresh-token
/// families are forgotten, fresh ones stay. On PostgreSQL the test has a database of its own: the sweep reads every
/// record row, and the shared test database holds every other test's (and earlier runs') rows, among them revoked
/// families the sweep would forget under those tests' feet, and so many that the sweep's pace would depend on them.
/// </summary>
public sealed class MaintenanceSweepTests : IAsyncLifetime
{
    private static readonly TimeSpan DayAndAHalf = TimeSpan.FromHours(36);
    private readonly DateTimeOffset _start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds());
    private readonly string _directory = Directory.CreateTempSubdirectory("granary-sweep-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N");
    private ManualTimeProvider _time = null!;
    private TestCluster? _cluster;
    private ScratchDatabase? _database;

    private IGrainFactory Grains => _cluster!.GrainFactory;

    public Task InitializeAsync()
    {
        _time = new ManualTimeProvider(_start);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public Task Sweep_ForgetsExpiredRecordsAndKeepsFreshOnes_OnSqlite() =>
        SweepForgetsExpiredAndKeepsFresh(TestStorage.Sqlite(Path.Combine(_directory, "granary.db")), StorageDialect.Sqlite, SqliteDatabase.ConnectionString(Path.Combine(_directory, "granary.db")), new()
        {
            ["Granary:Storage:Provider"] = "Sqlite",
            ["Granary:Storage:Sqlite:Path"] = Path.Combine(_directory, "granary.db"),
        });

    [Fact]
    public async Task Sweep_ForgetsExpiredRecordsAndKeepsFreshOnes_OnPostgres()
    {
        _database = await ScratchDatabase.CreateAsync();
        await SweepForgetsExpiredAndKeepsFresh(TestStorage.Postgres(_database.ConnectionString), StorageDialect.Postgres, _database.ConnectionString, new()
        {
            ["Granary:Storage:Provider"] = "Postgres",
            ["Granary:Storage:Postgres:ConnectionString"] = _database.ConnectionString,
        });
    }

    private async Task SweepForgetsExpiredAndKeepsFresh(TestStorage storage, StorageDialect dialect, string connectionString, Dictionary<string, string?> settings)
    {
        // As the silo does at start: the read model's tables, which the sweep reads, come with the schema.
        await new SchemaMigrator(dialect, connectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await StartAsync(storage, settings);
        var oldKey = Grains.GetGrain<IIdempotencyGrain>($"org-{_run}/old");
        var expired = Grains.GetGrain<IRefreshTokenFamilyGrain>($"expired-{_run}");
        var revoked = Grains.GetGrain<IRefreshTokenFamilyGrain>($"revoked-{_run}");
        var live = Grains.GetGrain<IRefreshTokenFamilyGrain>($"live-{_run}");
        await oldKey.CreateOrder("body-a", Order());
        await expired.Start("u1", "expired-token", _start + TimeSpan.FromHours(1));
        await revoked.Start("u1", "revoked-token", _start + TimeSpan.FromDays(30));
        await revoked.Revoke("revoked-token");
        await live.Start("u1", "live-token", _start + TimeSpan.FromDays(30));
        await Grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global).Ensure();

        // The hourly tick forgets the family once its token expired: an existing expired family answers Expired, a forgotten one Unknown.
        _time.Advance(TimeSpan.FromHours(2));
        await WaitUntilAsync(async () => (await expired.Rotate("expired-token", "next", _start.AddDays(60))).Status == RefreshStatus.Unknown,
            "the hourly sweep to forget the expired family", () => _time.Advance(TimeSpan.FromMinutes(10)));

        // A day and a half after the start the first key is past the 24 h retention; a key used 12 h ago isn't. A sweep
        // run now (serialized with the ticks) settles what is forgotten at this instant.
        _time.Advance(_start + DayAndAHalf - TimeSpan.FromHours(12) - _time.GetUtcNow());
        var freshKey = Grains.GetGrain<IIdempotencyGrain>($"org-{_run}/fresh");
        await freshKey.CreateOrder("body-a", Order());
        _time.Advance(TimeSpan.FromHours(12));
        var maintenance = Grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global);
        for (var sweep = 0; sweep < 50 && !(await maintenance.RunNow()).Complete; sweep++)
        {
        }

        Assert.Equal(RefreshStatus.Unknown, (await revoked.Rotate("revoked-token", "next", _start.AddDays(60))).Status);
        Assert.Equal(RefreshStatus.Rotated, (await live.Rotate("live-token", "next", _start.AddDays(60))).Status);
        Assert.Equal(IdempotentOutcome.BodyMismatch, (await freshKey.CreateOrder("body-b", Order())).Outcome);
        Assert.Equal(IdempotentOutcome.Created, (await oldKey.CreateOrder("body-b", Order())).Outcome);
    }

    private async Task StartAsync(TestStorage storage, Dictionary<string, string?> settings)
    {
        GrainTypeRegistry.EnsureLoaded(GrainsAssembly.Assembly);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            Storage = storage,
            TimeProvider = _time,
            ConfigureReminders = r =>
            {
                r.PollInterval = TimeSpan.FromMinutes(1);
                r.LeaseDuration = TimeSpan.FromMinutes(10);
            },
            ConfigureServices = services =>
            {
                services.AddReadModel(configuration.GetSection("Granary"));
                services.AddGranaryDomain(configuration.GetSection("Granary"));
            },
        });
    }

    private static CreateOrder Order() => new(
        [new OrderLine("A", 1, 2.50m)],
        "EUR",
        new Customer("ada@example.com", "Ada"),
        new Address("1 Main St", null, "Lyon", null, "69001", "FR"),
        Channel: "web");

    /// <summary>Polls <paramref name="condition"/>, calling <paramref name="betweenTries"/> between tries; fails naming <paramref name="what"/> after 60 s.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Action betweenTries)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after 60 s waiting for {what}.");
            betweenTries();
            await Task.Delay(50);
        }
    }
}
