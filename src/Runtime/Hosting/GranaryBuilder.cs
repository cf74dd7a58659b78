using System.Reflection;
using Granary.Runtime.Persistence;
using Granary.Runtime.Persistence.Memory;
using Granary.Runtime.Persistence.Postgres;
using Granary.Runtime.Persistence.Sqlite;
using Granary.Runtime.Reminders;
using Granary.Runtime.Reminders.Memory;
using Granary.Runtime.Reminders.Redis;
using Granary.Runtime.Reminders.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.Runtime.Hosting;

/// <summary>Configures a silo: grain assemblies, storage providers, the reminder table, call filters.</summary>
public sealed class GranaryBuilder
{
    internal GranaryBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Makes the grain classes and interfaces of <paramref name="assembly"/> known to the silo.</summary>
    public GranaryBuilder AddGrains(Assembly assembly)
    {
        GrainTypeRegistry.EnsureLoaded(assembly);
        return this;
    }

    /// <summary>Grain storage <paramref name="name"/> kept in memory (tests; lost when the process ends).</summary>
    public GranaryBuilder AddMemoryGrainStorage(string name = PersistentStateAttribute.DefaultStorageName) =>
        AddGrainStorage(name, _ => new MemoryGrainStorage());

    /// <summary>Grain storage <paramref name="name"/> in a SQLite file (the embedded default).</summary>
    public GranaryBuilder AddSqliteGrainStorage(string name, Action<SqliteStorageOptions> configure)
    {
        var options = new SqliteStorageOptions();
        configure(options);
        return AddGrainStorage(name, _ => new SqliteGrainStorage(options));
    }

    /// <summary>Grain storage <paramref name="name"/> in PostgreSQL.</summary>
    public GranaryBuilder AddPostgresGrainStorage(string name, Action<PostgresStorageOptions> configure)
    {
        var options = new PostgresStorageOptions();
        configure(options);
        return AddGrainStorage(name, _ => new PostgresGrainStorage(options));
    }

    /// <summary>Any <see cref="IGrainStorage"/> under <paramref name="name"/>; grains pick it with [PersistentState(state, name)].</summary>
    public GranaryBuilder AddGrainStorage(string name, Func<IServiceProvider, IGrainStorage> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.AddKeyedSingleton(name, (services, _) => factory(services));
        Services.AddSingleton(new GrainStorageRegistration(name));
        return this;
    }

    /// <summary>Reminders kept in memory (tests).</summary>
    public GranaryBuilder UseMemoryReminders() => UseReminderTable(_ => new MemoryReminderTable());

    /// <summary>Reminders in a SQLite file (the embedded default).</summary>
    public GranaryBuilder UseSqliteReminders(Action<SqliteReminderOptions> configure)
    {
        var options = new SqliteReminderOptions();
        configure(options);
        return UseReminderTable(_ => new SqliteReminderTable(options));
    }

    /// <summary>Reminders in Redis.</summary>
    public GranaryBuilder UseRedisReminders(Action<RedisReminderOptions> configure)
    {
        var options = new RedisReminderOptions();
        configure(options);
        return UseReminderTable(services =>
        {
            options.BucketCount = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReminderOptions>>().Value.BucketCount;
            return new RedisReminderTable(options);
        });
    }

    /// <summary>Any <see cref="IReminderTable"/>; replaces the one configured before.</summary>
    public GranaryBuilder UseReminderTable(Func<IServiceProvider, IReminderTable> factory)
    {
        Services.RemoveAll<IReminderTable>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Adds a filter that runs around every call an activation of this silo receives.</summary>
    public GranaryBuilder AddIncomingGrainCallFilter<TFilter>() where TFilter : class, IIncomingGrainCallFilter
    {
        Services.AddSingleton<IIncomingGrainCallFilter, TFilter>();
        return this;
    }

    /// <summary>Adds a filter that runs around every grain call made from this silo.</summary>
    public GranaryBuilder AddOutgoingGrainCallFilter<TFilter>() where TFilter : class, IOutgoingGrainCallFilter
    {
        Services.AddSingleton<IOutgoingGrainCallFilter, TFilter>();
        return this;
    }
}
