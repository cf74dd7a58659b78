using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Hosting;

/// <summary>
/// Adds a silo whose providers come from configuration (appsettings, environment variables such as
/// <c>Granary__Storage__Provider=Postgres</c>):
/// <list type="bullet">
/// <item><c>Granary:Storage:Provider</c> = Sqlite (default) | Postgres | Memory, with <c>Granary:Storage:Sqlite:Path</c> or <c>Granary:Storage:Postgres:ConnectionString</c>.</item>
/// <item><c>Granary:Reminders:Provider</c> = Sqlite (default) | Redis | Memory, with <c>Granary:Reminders:Sqlite:Path</c> or <c>Granary:Reminders:Redis:Configuration</c> / <c>KeyPrefix</c>.</item>
/// <item><c>Granary:Cluster:Membership:Provider</c> = None (default: one silo) | Redis, with <c>Granary:Cluster:Membership:Redis:Configuration</c> / <c>KeyPrefix</c>, <c>Granary:Cluster:SharedSecret</c> and the timings of <see cref="Cluster.ClusterOptions"/> under <c>Granary:Cluster</c>.</item>
/// <item>Silo options under <c>Granary</c>, reminder options under <c>Granary:Reminders</c>.</item>
/// </list>
/// </summary>
public static class GranaryConfiguration
{
    public static GranaryBuilder AddGranary(this IServiceCollection services, IConfiguration granary)
    {
        var builder = services.AddGranary(granary.Bind, granary.GetSection("Reminders").Bind);

        var storage = granary.GetSection("Storage");
        switch (Provider(storage, "Sqlite"))
        {
            case "sqlite":
                builder.AddSqliteGrainStorage(Runtime.PersistentStateAttribute.DefaultStorageName, storage.GetSection("Sqlite").Bind);
                break;
            case "postgres":
                builder.AddPostgresGrainStorage(Runtime.PersistentStateAttribute.DefaultStorageName, storage.GetSection("Postgres").Bind);
                break;
            case "memory":
                builder.AddMemoryGrainStorage();
                break;
            case var other:
                throw new InvalidOperationException($"Granary:Storage:Provider is '{other}'; use Sqlite, Postgres or Memory.");
        }

        var reminders = granary.GetSection("Reminders");
        switch (Provider(reminders, "Sqlite"))
        {
            case "sqlite":
                builder.UseSqliteReminders(reminders.GetSection("Sqlite").Bind);
                break;
            case "redis":
                builder.UseRedisReminders(reminders.GetSection("Redis").Bind);
                break;
            case "memory":
                builder.UseMemoryReminders();
                break;
            case var other:
                throw new InvalidOperationException($"Granary:Reminders:Provider is '{other}'; use Sqlite, Redis or Memory.");
        }

        var cluster = granary.GetSection("Cluster");
        switch (Provider(cluster.GetSection("Membership"), "None"))
        {
            case "none":
                break;
            case "redis":
                // Grains move between silos and any silo may fire any reminder: both stores must be shared.
                if (Provider(storage, "Sqlite") != "postgres")
                {
                    throw new InvalidOperationException("A clustered silo needs storage every silo shares: set Granary:Storage:Provider to Postgres (SQLite and memory are per process).");
                }
                if (Provider(reminders, "Sqlite") != "redis")
                {
                    throw new InvalidOperationException("A clustered silo needs reminders every silo shares: set Granary:Reminders:Provider to Redis (SQLite and memory are per process).");
                }
                builder.UseRedisClustering(cluster.GetSection("Membership:Redis").Bind, cluster.Bind, cluster.Bind);
                break;
            case var other:
                throw new InvalidOperationException($"Granary:Cluster:Membership:Provider is '{other}'; use None (one silo) or Redis.");
        }
        return builder;
    }

    private static string Provider(IConfiguration section, string defaultProvider) =>
        (section["Provider"] is { Length: > 0 } value ? value : defaultProvider).Trim().ToLowerInvariant() switch
        {
            "postgresql" or "npgsql" => "postgres",
            var name => name,
        };
}
