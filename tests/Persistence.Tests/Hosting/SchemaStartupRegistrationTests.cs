using Granary.Persistence.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Granary.Persistence.Tests.Hosting;

/// <summary>How the hosting extensions register start-up migration: one participant, one target per database.</summary>
public sealed class SchemaStartupRegistrationTests
{
    [Fact]
    public void StorageAndRemindersOnOneSqliteFile_RegisterOneParticipantAndOneTarget()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"granary-registration-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "granary.db");
        var silo = new ServiceCollectionSiloBuilder();
        try
        {
            silo.AddGranaryGrainStorage("granary", StorageDialect.Sqlite, SqliteDatabase.ConnectionString(path), migrateOnStart: false)
                .UseGranarySqliteReminderService($"Data Source={path};Default Timeout=5", migrateOnStart: true);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.Single(silo.Services, d => d.ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>)
            && d.ImplementationType == typeof(SchemaStartupParticipant));
        var targets = Assert.Single(silo.Services, d => d.ServiceType == typeof(SchemaStartupTargets)).ImplementationInstance;
        var target = Assert.Single(Assert.IsType<SchemaStartupTargets>(targets).Snapshot());
        Assert.Equal(StorageDialect.Sqlite, target.Dialect);
        Assert.True(target.MigrateOnStart);
    }

    [Fact]
    public void PostgresConnectionStrings_ToOneDatabaseInAnyKeyOrder_AreOneTarget()
    {
        var targets = new SchemaStartupTargets();

        targets.Add(StorageDialect.Postgres, "Host=db;Port=5432;Database=granary;Username=a;Password=b", migrateOnStart: true);
        targets.Add(StorageDialect.Postgres, "Database=granary;Username=a;Password=b;Host=db;Port=5432;Pooling=false", migrateOnStart: true);
        targets.Add(StorageDialect.Postgres, "Host=db;Port=5432;Database=other;Username=a;Password=b", migrateOnStart: true);

        Assert.Equal(2, targets.Snapshot().Count);
    }

    private sealed class ServiceCollectionSiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
