using Npgsql;

namespace Granary.Runtime.Persistence.Schema;

/// <summary>
/// Applies a component's migrations to PostgreSQL under a transaction-scoped advisory lock, so several silos
/// starting at once apply each migration exactly once.
/// </summary>
internal static class PostgresSchema
{
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string component, IReadOnlyList<SchemaMigration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            // One lock for every component: the shared version table itself is created under it.
            lockCommand.Parameters.AddWithValue((long)StableHash.Compute("granary-schema"));
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS granary_schema_versions (
                component text NOT NULL,
                version integer NOT NULL,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version));
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM granary_schema_versions WHERE component = $1", connection, transaction))
        {
            read.Parameters.AddWithValue(component);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = new NpgsqlCommand("INSERT INTO granary_schema_versions (component, version, description) VALUES ($1, $2, $3)", connection, transaction);
            record.Parameters.AddWithValue(component);
            record.Parameters.AddWithValue(migration.Version);
            record.Parameters.AddWithValue(migration.Description);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
