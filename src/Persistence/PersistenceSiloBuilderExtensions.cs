using Granary.Persistence.Hosting;
using Granary.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Granary.Persistence;

/// <summary>
/// Orleans's own ADO.NET grain storage and reminder table on Granary's schema, with the schema made current
/// (or checked) in the silo lifecycle before those providers start.
/// </summary>
public static class PersistenceSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant Orleans maps to Npgsql's factory.</summary>
    internal const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// The ADO.NET invariant Orleans maps to Microsoft.Data.Sqlite's factory (Orleans's internal
    /// AdoNetInvariants.InvariantNameSqlLite; the name is historical, System.Data.SQLite is not used).
    /// </summary>
    internal const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>
    /// Adds Orleans's ADO.NET grain storage (<c>AddAdoNetGrainStorage</c>) named <paramref name="name"/> on
    /// Granary's schema. Stored state is written with Orleans's binary serializer (the version-tolerant
    /// [GenerateSerializer]/[Id]/[Alias] contract), not Newtonsoft JSON with type names. On PostgreSQL the writes of
    /// many grains share one batch and one commit (<see cref="GroupCommitStateWrites"/>). A failed write or clear
    /// deactivates the activation that made it (<see cref="FailedWriteDeactivation"/>).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The storage provider name grains use in [PersistentState(stateName, name)].</param>
    /// <param name="dialect">PostgreSQL (Invariant Npgsql) or SQLite.</param>
    /// <param name="connectionString">An Npgsql connection string, or one from <see cref="SqliteDatabase.ConnectionString"/>.</param>
    /// <param name="migrateOnStart">
    /// True: apply pending migrations at silo start. False: only check the schema version and fail start-up
    /// with a message naming what to run when it is not current.
    /// </param>
    public static ISiloBuilder AddGranaryGrainStorage(
        this ISiloBuilder builder, string name, StorageDialect dialect, string connectionString, bool migrateOnStart = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var invariant = InvariantOf(dialect);

        AddSchemaTarget(builder.Services, dialect, connectionString, migrateOnStart);
        builder.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<Serializer>((o, serializer) =>
            {
                o.Invariant = invariant;
                o.ConnectionString = dialect == StorageDialect.Postgres ? PostgresDatabase.ConnectionString(connectionString) : connectionString;
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        WrapProvider(builder.Services, name, dialect, connectionString);
        // A storage failure on the grain's silo reaches a caller on another. Orleans's exception codec carries only
        // exceptions of the namespaces it is told of (System, Microsoft, Azure): Npgsql's would arrive as a
        // CodecNotFoundException, and the API could no longer tell a database that is away (503) from a bug (500).
        builder.Services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"));
        return builder;
    }

    /// <summary>
    /// Uses Orleans's ADO.NET reminder table (<c>UseAdoNetReminderService</c>) on Granary's SQLite schema
    /// (table <c>granary_reminder_entries</c>). The same file may hold grain storage; it is migrated once.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">A connection string from <see cref="SqliteDatabase.ConnectionString"/>.</param>
    /// <param name="migrateOnStart">As for <see cref="AddGranaryGrainStorage"/>.</param>
    public static ISiloBuilder UseGranarySqliteReminderService(this ISiloBuilder builder, string connectionString, bool migrateOnStart = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        AddSchemaTarget(builder.Services, StorageDialect.Sqlite, connectionString, migrateOnStart);
        builder.Services.AddGranarySqliteReminderTable(connectionString);
        return builder;
    }

    /// <summary>The reminder table registration alone (no start-up migration), as a silo gets it.</summary>
    internal static IServiceCollection AddGranarySqliteReminderTable(this IServiceCollection services, string connectionString) =>
        services.UseAdoNetReminderService(options => options.Configure(o =>
        {
            o.Invariant = SqliteInvariant;
            o.ConnectionString = connectionString;
        }));

    internal static string InvariantOf(StorageDialect dialect) => dialect switch
    {
        StorageDialect.Postgres => PostgresInvariant,
        StorageDialect.Sqlite => SqliteInvariant,
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown storage dialect."),
    };

    private static void AddSchemaTarget(IServiceCollection services, StorageDialect dialect, string connectionString, bool migrateOnStart)
    {
        // One targets list and one lifecycle participant per silo, however many providers register.
        var targets = services
            .Where(d => d.ServiceType == typeof(SchemaStartupTargets) && !d.IsKeyedService)
            .Select(d => d.ImplementationInstance)
            .OfType<SchemaStartupTargets>()
            .FirstOrDefault();
        if (targets is null)
        {
            targets = new SchemaStartupTargets();
            services.AddSingleton(targets);
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaStartupParticipant>();
        }

        targets.Add(dialect, connectionString, migrateOnStart);
    }

    private static void WrapProvider(IServiceCollection services, string name, StorageDialect dialect, string connectionString)
    {
        var registration = services.LastOrDefault(d =>
            d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"AddAdoNetGrainStorage registered no keyed IGrainStorage named '{name}'.");
        var createInner = registration.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"The keyed IGrainStorage '{name}' is not registered through a factory.");

        if (dialect == StorageDialect.Postgres)
        {
            // The container owns (and disposes) the pool the grouped writes use.
            services.AddKeyedSingleton(name, (_, _) =>
                new PostgresStateWriteGroups(NpgsqlDataSource.Create(PostgresDatabase.ConnectionString(connectionString))));
            services.AddKeyedSingleton(name, (_, _) =>
                new PostgresStateReadGroups(NpgsqlDataSource.Create(PostgresDatabase.ConnectionString(connectionString))));
        }
        services.Remove(registration);
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, key) =>
        {
            var storage = (IGrainStorage)createInner(provider, key);
            if (dialect == StorageDialect.Postgres && storage is AdoNetGrainStorage adoNet)
            {
                storage = new GroupCommitStateWrites(adoNet, name, provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                    provider.GetRequiredKeyedService<PostgresStateWriteGroups>(name), provider.GetRequiredKeyedService<PostgresStateReadGroups>(name),
                    provider.GetRequiredService<Orleans.Serialization.Serializers.IActivatorProvider>(), provider.GetRequiredService<ILogger<GroupCommitStateWrites>>());
            }
            return new FailedWriteDeactivation(new FullGrainIdStorage(storage), provider.GetRequiredService<IGrainContextAccessor>());
        });
    }
}
