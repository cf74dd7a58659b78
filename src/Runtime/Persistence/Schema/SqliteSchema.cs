using Microsoft.Data.Sqlite;

namespace Granary.Runtime.Persistence.Schema;

/// <summary>
/// Applies a component's migrations to a SQLite database. The version table is shared by every component
/// (storage, reminders); each migration runs in its own IMMEDIATE transaction, so concurrent starts serialize.
/// </summary>
internal static class SqliteSchema
{
    public static async Task MigrateAsync(SqliteConnection connection, string component, IReadOnlyList<SchemaMigration> migrations, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS granary_schema_versions (
                    component TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    description TEXT NOT NULL,
                    applied_at TEXT NOT NULL,
                    PRIMARY KEY (component, version));
                """;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM granary_schema_versions WHERE component = $c AND version = $v";
                check.Parameters.AddWithValue("$c", component);
                check.Parameters.AddWithValue("$v", migration.Version);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }
            }

            await using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = migration.Sql;
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO granary_schema_versions (component, version, description, applied_at) VALUES ($c, $v, $d, $t)";
                record.Parameters.AddWithValue("$c", component);
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$d", migration.Description);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }
}
