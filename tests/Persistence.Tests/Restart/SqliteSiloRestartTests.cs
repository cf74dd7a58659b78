using Granary.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;

namespace Granary.Persistence.Tests.Restart;

/// <summary>
/// The embedded profile end to end: grain state and reminders in one SQLite file, through real grain calls,
/// across a stop and a fresh start of the silo.
/// </summary>
public sealed class SqliteSiloRestartTests
{
    [Fact]
    public async Task Restart_OnTheSameSqliteFile_KeepsStateAndReminders()
    {
        using var file = new SqliteScratchFile();
        var serviceId = $"restart-{Guid.NewGuid():N}";
        var first = await StartAsync(file, serviceId, migrateOnStart: true);
        try
        {
            var grain = first.Client.GetGrain<IRestartProbeGrain>("probe");
            await grain.SaveAsync("kept across restarts");
            await grain.RegisterReminderAsync("nightly");
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        // Migration off the second time: the file is current, so a verify-only start must succeed too.
        await using var second = await StartAsync(file, serviceId, migrateOnStart: false);
        var again = second.Client.GetGrain<IRestartProbeGrain>("probe");

        Assert.Equal("kept across restarts", await again.LoadAsync());
        Assert.Equal(["nightly"], await again.ReminderNamesAsync());
    }

    [Fact]
    public async Task Start_WithMigrationOffOnAnEmptyFile_FailsNamingWhatToRun()
    {
        using var file = new SqliteScratchFile();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(file, $"empty-{Guid.NewGuid():N}", migrateOnStart: false));

        var refusal = Find<SchemaMigrationException>(failure);
        Assert.NotNull(refusal);
        Assert.Contains("Start-up migration is off", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Schema/Sqlite/0001_grain_storage.sql", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("SchemaMigrator.MigrateAsync", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await new SchemaMigrator(StorageDialect.Sqlite, file.ConnectionString, NullLogger<SchemaMigrator>.Instance).CurrentVersionAsync());
    }

    private static Task<InProcessTestCluster> StartAsync(SqliteScratchFile file, string serviceId, bool migrateOnStart) =>
        OneSiloCluster.StartAsync(
            silo => silo
                .AddGranaryGrainStorage(StorageSiloFixture.StorageName, StorageDialect.Sqlite, file.ConnectionString, migrateOnStart)
                .UseGranarySqliteReminderService(file.ConnectionString, migrateOnStart),
            serviceId,
            withClient: true);

    /// <summary>The first <typeparamref name="T"/> among the exception, its inner and aggregated exceptions.</summary>
    private static T? Find<T>(Exception? exception)
        where T : Exception => exception switch
        {
            null => null,
            T match => match,
            AggregateException aggregate => aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(found => found is not null),
            _ => Find<T>(exception.InnerException),
        };
}
