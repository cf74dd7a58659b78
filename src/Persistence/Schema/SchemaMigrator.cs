using System.Data.Common;
using System.Globalization;
using Granary.Persistence.Schema;
using Microsoft.Extensions.Logging;

namespace Granary.Persistence;

/// <summary>
/// Applies Granary's embedded, versioned schema migrations (Schema/&lt;Dialect&gt;/NNNN_name.sql) to one
/// database and records each in <c>granary_schema_migrations</c> (version, name, checksum, applied_at).
/// A run is one transaction under the dialect's lock, so silos starting together apply each migration once.
/// It refuses to touch a database whose applied migrations differ from this build's files or that is newer
/// than this build.
/// </summary>
public sealed class SchemaMigrator
{
    private readonly MigrationDatabase _database;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ILogger<SchemaMigrator> _logger;

    /// <summary>Creates a migrator for one database.</summary>
    /// <param name="dialect">The database kind.</param>
    /// <param name="connectionString">An Npgsql or Microsoft.Data.Sqlite connection string (see <see cref="SqliteDatabase.ConnectionString"/>).</param>
    /// <param name="logger">Receives one line per applied migration.</param>
    public SchemaMigrator(StorageDialect dialect, string connectionString, ILogger<SchemaMigrator> logger)
        : this(MigrationDatabase.Create(dialect, connectionString), MigrationCatalog.For(dialect), logger)
    {
    }

    internal SchemaMigrator(MigrationDatabase database, IReadOnlyList<Migration> migrations, ILogger<SchemaMigrator> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _migrations = migrations;
        _logger = logger;
    }

    /// <summary>The schema version this build brings the dialect's databases to.</summary>
    public static int LatestVersion(StorageDialect dialect) => MigrationCatalog.For(dialect).Count;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; does nothing when it is already there.</summary>
    /// <exception cref="SchemaMigrationException">An applied migration was edited, the database is newer than this build, or a migration failed (then nothing of the run is kept).</exception>
    public async Task<SchemaMigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _database.BeginExclusiveAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, _database.CreateHistoryTableSql, cancellationToken).ConfigureAwait(false);

        var fromVersion = CheckApplied(await ReadAppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false));
        var applied = new List<string>();
        foreach (var migration in _migrations.Where(m => m.Version > fromVersion))
        {
            _logger.ApplyingMigration(migration.Version, migration.ResourcePath, _database.Description);
            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
                await RecordAsync(connection, transaction, migration, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException exception)
            {
                throw new SchemaMigrationException(
                    $"Schema migration {Format(migration.Version)} ({migration.ResourcePath}) failed on {_database.Description}: {exception.Message} " +
                    "Nothing of this run was kept (it is one transaction).",
                    exception);
            }

            applied.Add(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (applied.Count == 0)
        {
            _logger.AlreadyCurrent(_database.Description, fromVersion);
        }
        else
        {
            _logger.Migrated(_database.Description, fromVersion, _migrations.Count);
        }

        return new SchemaMigrationResult(fromVersion, _migrations.Count, applied);
    }

    /// <summary>The highest applied migration version, or 0 when the database has no Granary schema yet.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        var applied = await ReadAppliedIfAnyAsync(cancellationToken).ConfigureAwait(false);
        return applied.Count == 0 ? 0 : applied.Max(a => a.Version);
    }

    /// <summary>
    /// Checks without writing that the database is at <see cref="LatestVersion"/> with unedited migrations;
    /// used at start-up when migration is turned off.
    /// </summary>
    /// <exception cref="SchemaMigrationException">The schema is behind (the message names what to run), edited or newer.</exception>
    internal async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        var current = CheckApplied(await ReadAppliedIfAnyAsync(cancellationToken).ConfigureAwait(false));
        if (current < _migrations.Count)
        {
            var pending = string.Join(", ", _migrations.Where(m => m.Version > current).Select(m => m.ResourcePath));
            throw new SchemaMigrationException(
                $"{_database.Description} is at schema version {current}, but this build needs version {_migrations.Count} " +
                $"(pending: {pending}). Start-up migration is off: run the migration first (Granary.Persistence.SchemaMigrator.MigrateAsync " +
                "for this database, e.g. the silo's migrate command), or start with migrateOnStart: true.");
        }

        _logger.Verified(_database.Description, current);
    }

    private async Task<IReadOnlyList<AppliedMigration>> ReadAppliedIfAnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = CreateCommand(connection, null, _database.HistoryTableExistsSql))
        {
            var exists = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (exists == 0)
            {
                return [];
            }
        }

        return await ReadAppliedAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the current version after checking the history against this build's migrations.</summary>
    private int CheckApplied(IReadOnlyList<AppliedMigration> applied)
    {
        var latest = _migrations.Count;
        var current = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        if (current > latest)
        {
            var newest = applied.First(a => a.Version == current);
            throw new SchemaMigrationException(
                $"{_database.Description} is at schema version {Format(current)} ({newest.Name}), newer than this build knows " +
                $"(latest {Format(latest)}). Run a Granary build that carries migration {Format(current)}; this one will not touch the database.");
        }

        foreach (var row in applied)
        {
            var migration = row.Version >= 1 ? _migrations[row.Version - 1] : null;
            if (migration is null || !string.Equals(row.Checksum, migration.Checksum, StringComparison.Ordinal))
            {
                var file = migration?.ResourcePath ?? $"(no file numbered {Format(row.Version)})";
                throw new SchemaMigrationException(
                    $"Schema migration {Format(row.Version)} ({file}) was applied to {_database.Description} with checksum {row.Checksum}, " +
                    $"but this build's file has checksum {migration?.Checksum ?? "none"}: the file was edited after it was applied. " +
                    "Restore the file as applied and put the change in a new migration.");
            }
        }

        for (var version = 1; version <= current; version++)
        {
            if (!applied.Any(a => a.Version == version))
            {
                throw new SchemaMigrationException(
                    $"{_database.Description} records schema version {Format(current)} but not migration {Format(version)} " +
                    $"({_migrations[version - 1].ResourcePath}); the history table was edited by hand.");
            }
        }

        return current;
    }

    private static async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new List<AppliedMigration>();
        await using var command = CreateCommand(connection, transaction,
            $"SELECT version, name, checksum FROM {MigrationDatabase.HistoryTable} ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(new AppliedMigration(
                Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                reader.GetString(1),
                reader.GetString(2)));
        }

        return applied;
    }

    private async Task RecordAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, _database.RecordMigrationSql);
        AddParameter(command, "version", migration.Version);
        AddParameter(command, "name", migration.Name);
        AddParameter(command, "checksum", migration.Checksum);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string Format(int version) => version.ToString("D4", CultureInfo.InvariantCulture);

    private sealed record AppliedMigration(int Version, string Name, string Checksum);
}
