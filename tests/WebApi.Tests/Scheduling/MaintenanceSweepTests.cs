using Granary.Grains;
using Granary.Grains.Scheduling;
using Granary.Grains.Users;
using Granary.Persistence;
using Granary.ReadModel;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Granary.WebApi.Tests.Scheduling;

/// <summary>
/// The hourly maintenance sweep on real SQL storage: expired or revoked refresh-token families are forgotten, live
/// ones stay. On PostgreSQL the test has a database of its own: the sweep reads every
/// record row, and the shared test database holds every other test's (and earlier runs') rows, among them revoked
/// families the sweep would forget under those tests' feet, and so many that the sweep's pace would depend on them.
/// Grains read a fake clock; Orleans's reminders keep real time, so a tick is delivered the way the reminder service
/// delivers it, and one test checks that the real reminder is registered.
/// </summary>
public sealed class MaintenanceSweepTests : IAsyncLifetime
{
    private static readonly TimeSpan Hourly = new JobsOptions().MaintenanceInterval;
    private readonly DateTimeOffset _start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds());
    private readonly string _directory = Directory.CreateTempSubdirectory("granary-sweep-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N");
    private FakeTimeProvider _time = null!;
    private InProcessTestCluster? _cluster;
    private ScratchDatabase? _database;

    private IGrainFactory Grains => _cluster!.Client;

    private string SqlitePath => Path.Combine(_directory, "granary.db");

    public Task InitializeAsync()
    {
        _time = new FakeTimeProvider(_start);
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
    public async Task Ensure_RegistersTheHourlyReminder_InTheReminderTable()
    {
        await StartAsync(StorageDialect.Sqlite, SqliteDatabase.ConnectionString(SqlitePath), ReadModelDatabase.ForSqlite(SqlitePath));
        var maintenance = Grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global);

        await maintenance.Ensure();

        var table = _cluster!.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        var entry = await table.ReadRow(maintenance.GetGrainId(), MaintenanceGrain.ReminderName);
        Assert.NotNull(entry);
        Assert.Equal(Hourly, entry.Period);
    }

    [Fact]
    public Task Sweep_ForgetsExpiredFamiliesAndKeepsLiveOnes_OnSqlite() =>
        SweepForgetsExpiredAndKeepsFresh(StorageDialect.Sqlite, SqliteDatabase.ConnectionString(SqlitePath), ReadModelDatabase.ForSqlite(SqlitePath));

    [Fact]
    public async Task Sweep_ForgetsExpiredFamiliesAndKeepsLiveOnes_OnPostgres()
    {
        _database = await ScratchDatabase.CreateAsync();
        await SweepForgetsExpiredAndKeepsFresh(StorageDialect.Postgres, _database.ConnectionString, ReadModelDatabase.ForPostgres(_database.ConnectionString));
    }

    private async Task SweepForgetsExpiredAndKeepsFresh(StorageDialect dialect, string connectionString, ReadModelDatabase readModel)
    {
        await StartAsync(dialect, connectionString, readModel);
        var expired = Grains.GetGrain<IRefreshTokenFamilyGrain>($"expired-{_run}");
        var revoked = Grains.GetGrain<IRefreshTokenFamilyGrain>($"revoked-{_run}");
        var live = Grains.GetGrain<IRefreshTokenFamilyGrain>($"live-{_run}");
        await expired.Start("u1", "expired-token", _start + TimeSpan.FromHours(1));
        await revoked.Start("u1", "revoked-token", _start + TimeSpan.FromDays(30));
        await revoked.Revoke("revoked-token");
        await live.Start("u1", "live-token", _start + TimeSpan.FromDays(30));
        var maintenance = Grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global);
        await maintenance.Ensure();

        // The hourly tick forgets the family once its token expired: an existing expired family answers Expired, a forgotten one Unknown.
        _time.Advance(TimeSpan.FromHours(2));
        await TickAsync(maintenance);
        Assert.Equal(RefreshStatus.Unknown, (await expired.Rotate("expired-token", "next", _start.AddDays(60))).Status);

        // A sweep run now (serialized with the ticks) forgets the revoked family and keeps the live one.
        for (var sweep = 0; sweep < 50 && !(await maintenance.RunNow()).Complete; sweep++)
        {
        }

        Assert.Equal(RefreshStatus.Unknown, (await revoked.Rotate("revoked-token", "next", _start.AddDays(60))).Status);
        Assert.Equal(RefreshStatus.Rotated, (await live.Rotate("live-token", "next", _start.AddDays(60))).Status);
    }

    /// <summary>Delivers the maintenance reminder's tick as Orleans's reminder service would, at the fake clock's now.</summary>
    private Task TickAsync(IMaintenanceGrain maintenance)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return maintenance.AsReference<IRemindable>().ReceiveReminder(MaintenanceGrain.ReminderName, new TickStatus(_start.UtcDateTime + Hourly, Hourly, now));
    }

    /// <summary>One silo on the storage under test, reminders in a SQLite file, the domain's services and the fake clock.</summary>
    private async Task StartAsync(StorageDialect dialect, string connectionString, ReadModelDatabase readModel)
    {
        var granary = new ConfigurationBuilder().Build().GetSection("Granary");
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = true;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGranaryGrainStorage("Default", dialect, connectionString);
            silo.UseGranarySqliteReminderService(SqliteDatabase.ConnectionString(Path.Combine(_directory, "reminders.db")));
            silo.Services.AddReadModel(_ => readModel);
            silo.Services.AddGranaryDomain(granary);
            silo.Services.AddSingleton<TimeProvider>(_time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }
}
