using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Granary.Runtime.Persistence.Sqlite;

/// <summary>
/// Grain state in a SQLite file (WAL journal, <c>synchronous=NORMAL</c>). The etag is the row's version, which
/// every write increments under a compare-and-set on the presented version. SQLite connections are not
/// thread-safe, so each operation takes its own connection from Microsoft.Data.Sqlite's pool.
/// </summary>
internal sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private const string ReadSql =
        "SELECT payload, version FROM granary_grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name";

    private const string ReadVersionSql =
        "SELECT version FROM granary_grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name";

    private const string InsertSql = """
        INSERT INTO granary_grain_state (grain_type, grain_key, state_name, payload, version, updated_at)
        VALUES ($type, $key, $name, $payload, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT DO NOTHING
        """;

    private const string UpdateSql = """
        UPDATE granary_grain_state SET payload = $payload, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version
        """;

    private const string DeleteSql =
        "DELETE FROM granary_grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version";

    private readonly SqliteStorageOptions _options;
    private ConnectionSettings? _settings;

    public SqliteGrainStorage(SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public string Kind => "sqlite";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(GetSettings().FullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            // The journal mode is stored in the file, so setting it once here covers every later connection.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await Schema.SqliteSchema.MigrateAsync(connection, "storage", SqliteStorageMigrations.All, cancellationToken);
    }

    public async Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = KeyedCommand(connection, ReadSql, grainId, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredState(reader.GetString(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture))
            : null;
    }

    public async Task<string> WriteAsync(GrainId grainId, string stateName, string json, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        await using var connection = await OpenAsync(cancellationToken);
        if (etag is null)
        {
            await using var insert = KeyedCommand(connection, InsertSql, grainId, stateName);
            insert.Parameters.Add("$payload", SqliteType.Text).Value = json;
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return "1";
            }
        }
        else if (TryParseVersion(etag, out var version))
        {
            await using var update = KeyedCommand(connection, UpdateSql, grainId, stateName);
            update.Parameters.Add("$payload", SqliteType.Text).Value = json;
            update.Parameters.Add("$version", SqliteType.Integer).Value = version;
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (version + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        throw await ConflictAsync(connection, "write", grainId, stateName, etag, cancellationToken);
    }

    public async Task ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (etag is null)
        {
            // Nothing may exist; reading is enough, since there is nothing to delete when that holds.
            if (await ReadVersionAsync(connection, grainId, stateName, cancellationToken) is null)
            {
                return;
            }
        }
        else if (TryParseVersion(etag, out var version))
        {
            await using var delete = KeyedCommand(connection, DeleteSql, grainId, stateName);
            delete.Parameters.Add("$version", SqliteType.Integer).Value = version;
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return;
            }
        }

        throw await ConflictAsync(connection, "clear", grainId, stateName, etag, cancellationToken);
    }

    public async Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return new ProviderHealth("storage", Kind, true, Path.GetFullPath(_options.Path));
        }
        catch (Exception ex)
        {
            return new ProviderHealth("storage", Kind, false, $"{Path.GetFullPath(_options.Path)}: {ex.Message}");
        }
    }

    /// <summary>Closes the pooled connections to the file, so it can be moved or deleted.</summary>
    public void Dispose()
    {
        if (_settings is not null)
        {
            using var connection = new SqliteConnection(_settings.ConnectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var settings = GetSettings();
        var connection = new SqliteConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per-connection settings: a pooled connection may be new, so they are applied on every open.
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = settings.Pragmas;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private ConnectionSettings GetSettings()
    {
        if (_settings is not null)
        {
            return _settings;
        }

        if (string.IsNullOrWhiteSpace(_options.Path))
        {
            throw new InvalidOperationException("SqliteStorageOptions.Path is empty: set it to the database file, e.g. 'data/granary.db'.");
        }

        if (_options.BusyTimeout <= TimeSpan.Zero || _options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new InvalidOperationException($"SqliteStorageOptions.BusyTimeout is {_options.BusyTimeout}: it must be positive and under 24 days.");
        }

        var fullPath = Path.GetFullPath(_options.Path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy statement until the command timeout, on top of SQLite's own wait.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds)),
        }.ToString();
        var pragmas = $"PRAGMA busy_timeout = {(int)_options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";

        // Racing callers build equal values; whichever is published wins.
        return _settings = new ConnectionSettings(fullPath, connectionString, pragmas);
    }

    private static SqliteCommand KeyedCommand(SqliteConnection connection, string sql, GrainId grainId, string stateName)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$type", SqliteType.Text).Value = grainId.Type;
        command.Parameters.Add("$key", SqliteType.Text).Value = grainId.Key;
        command.Parameters.Add("$name", SqliteType.Text).Value = stateName;
        return command;
    }

    private static async Task<long?> ReadVersionAsync(SqliteConnection connection, GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var command = KeyedCommand(connection, ReadVersionSql, grainId, stateName);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    private static async Task<InconsistentStateException> ConflictAsync(
        SqliteConnection connection, string operation, GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
    {
        var stored = await ReadVersionAsync(connection, grainId, stateName, cancellationToken);
        var storedEtag = stored?.ToString(CultureInfo.InvariantCulture);
        return new InconsistentStateException(
            $"Cannot {operation} state '{stateName}' of {grainId}: stored etag is {storedEtag ?? "(none)"}, presented etag is {etag ?? "(none)"}.",
            storedEtag,
            etag);
    }

    private static bool TryParseVersion(string etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);

    /// <summary>Where the file is, how to reach it, and what to set on each connection.</summary>
    private sealed record ConnectionSettings(string FullPath, string ConnectionString, string Pragmas);
}
