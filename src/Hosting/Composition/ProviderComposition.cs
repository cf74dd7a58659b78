using Granary.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Granary.Hosting;

/// <summary>
/// Registers Orleans's providers for the chosen profile: embedded (localhost clustering, grain state and reminders in
/// one SQLite file) or cluster (Redis membership, Redis reminders, grain state in PostgreSQL).
/// </summary>
internal static class ProviderComposition
{
    /// <summary>Orleans's default storage name: <c>[PersistentState("x")]</c> without a storage name lands here.</summary>
    public const string StorageName = "Default";

    public static ISiloBuilder AddGranaryProviders(this ISiloBuilder silo, GranaryProfile profile)
    {
        // An unknown provider name or a refused combination registers nothing: the validators stop start-up before any
        // provider runs, and no SQLite file is created for a cluster that is refused.
        switch (profile.Membership)
        {
            case MembershipProviderKind.None:
                silo.UseLocalhostClustering();
                break;
            case MembershipProviderKind.Redis:
                silo.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(profile.MembershipRedisConfiguration));
                // Redis can lose the table (FLUSHALL, a restart without its AOF) and Orleans doesn't notice: see the watchdog.
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MembershipLossWatchdog>();
                break;
        }

        switch (profile.Storage)
        {
            case StorageProviderKind.Sqlite when !profile.IsCluster:
                silo.AddGranaryGrainStorage(StorageName, StorageDialect.Sqlite, SqliteDatabase.ConnectionString(profile.StorageSqlitePath), profile.MigrateOnStart);
                break;
            case StorageProviderKind.Postgres when !string.IsNullOrWhiteSpace(profile.PostgresConnectionString):
                silo.AddGranaryGrainStorage(StorageName, StorageDialect.Postgres, profile.PostgresConnectionString, profile.MigrateOnStart);
                break;
        }

        switch (profile.Reminders)
        {
            case ReminderProviderKind.Sqlite when !profile.IsCluster:
                silo.UseGranarySqliteReminderService(SqliteDatabase.ConnectionString(profile.RemindersSqlitePath), profile.MigrateOnStart);
                break;
            case ReminderProviderKind.Redis:
                silo.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(profile.RemindersRedisConfiguration));
                // A reminder registered on another silo's grain can fail with Redis's connection errors; Orleans carries
                // them between silos only for namespaces it is told of, so the API can still answer 503, not 500.
                silo.Services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("StackExchange.Redis"));
                break;
        }

        if (profile.TlsCertificate is { } certificate)
        {
            silo.UseGranaryTls(certificate);
        }
        return silo;
    }
}
