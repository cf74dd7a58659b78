using Granary.Persistence;

namespace Granary.Silo.Hosting;

/// <summary>
/// Brings the storage database's schema (Granary's versioned migrations: the read model's tables among them) up to
/// date before the runtime starts, so no grain writes a row into a table that isn't there. Registered before the
/// runtime: hosted services start in registration order. Memory storage has no schema.
/// </summary>
internal sealed class SchemaStartup(IConfiguration configuration, ILogger<SchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = configuration.GetSection("Granary:Storage");
        var (dialect, connectionString) = storage["Provider"]?.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" or "npgsql" => (StorageDialect.Postgres, storage["Postgres:ConnectionString"]),
            "memory" => (StorageDialect.Sqlite, null),
            _ => (StorageDialect.Sqlite, SqliteDatabase.ConnectionString(storage["Sqlite:Path"] is { Length: > 0 } path ? path : "data/granary.db")),
        };
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }
        await new SchemaMigrator(dialect, connectionString, logger).MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
