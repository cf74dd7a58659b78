using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Granary.Runtime.Persistence.Postgres;

/// <summary>
/// Grain state in PostgreSQL as jsonb. The etag is the row's version; a write is one statement that inserts
/// (no etag) or compare-and-sets on the presented version, and the stored version is read only when that fails,
/// to say what the conflict was.
/// </summary>
internal sealed class PostgresGrainStorage : IGrainStorage, IAsyncDisposable
{
    private const string ReadSql =
        "SELECT payload, version FROM granary_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    private const string ReadVersionSql =
        "SELECT version FROM granary_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    private const string InsertSql =
        "INSERT INTO granary_grain_state (grain_type, grain_key, state_name, payload, version) VALUES ($1, $2, $3, $4, 1) ON CONFLICT DO NOTHING";

    private const string UpdateSql =
        "UPDATE granary_grain_state SET payload = $4, version = version + 1, updated_at = now() WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $5";

    private const string DeleteSql =
        "DELETE FROM granary_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4";

    private readonly PostgresStorageOptions _options;
    private readonly Lock _lock = new();
    private NpgsqlDataSource? _dataSource;

    public PostgresGrainStorage(PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public string Kind => "postgres";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        Schema.PostgresSchema.MigrateAsync(GetDataSource(), "storage", PostgresStorageMigrations.All, cancellationToken);

    public async Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var command = KeyedCommand(ReadSql, grainId, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredState(reader.GetString(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture))
            : null;
    }

    public async Task<string> WriteAsync(GrainId grainId, string stateName, string json, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);

        // Rows affected says whether the insert or the compare-and-set took, and the new version follows from
        // the presented one, so neither statement needs RETURNING.
        if (etag is null)
        {
            await using var insert = KeyedCommand(InsertSql, grainId, stateName);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return "1";
            }
        }
        else if (TryParseVersion(etag, out var version))
        {
            await using var update = KeyedCommand(UpdateSql, grainId, stateName);
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (version + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        throw await ConflictAsync("write", grainId, stateName, etag, cancellationToken);
    }

    public async Task ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
    {
        if (etag is null)
        {
            // Nothing may exist; reading is enough, since there is nothing to delete when that holds.
            if (await ReadVersionAsync(grainId, stateName, cancellationToken) is null)
            {
                return;
            }
        }
        else if (TryParseVersion(etag, out var version))
        {
            await using var delete = KeyedCommand(DeleteSql, grainId, stateName);
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return;
            }
        }

        throw await ConflictAsync("clear", grainId, stateName, etag, cancellationToken);
    }

    public async Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var dataSource = GetDataSource();
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            return new ProviderHealth("storage", Kind, true, $"{settings.Host}:{settings.Port}/{settings.Database}");
        }
        catch (Exception ex)
        {
            return new ProviderHealth("storage", Kind, false, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private NpgsqlDataSource GetDataSource()
    {
        if (Volatile.Read(ref _dataSource) is { } dataSource)
        {
            return dataSource;
        }

        lock (_lock)
        {
            return _dataSource ??= CreateDataSource(_options);
        }
    }

    /// <summary>
    /// Two settings that halve PostgreSQL's CPU per grain write, unless the connection string sets them itself: the
    /// few statements storage runs are prepared automatically (Max Auto Prepare), and a connection returned to the pool
    /// is not reset with DISCARD ALL (No Reset On Close) — storage changes no session state that a reset would undo.
    /// </summary>
    internal static string WithStorageDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 20;
        }
        if (!Sets(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    private static bool Sets(string connectionString, params string[] keys) =>
        connectionString.Split(';').Select(part => part.Split('=', 2)[0].Trim())
            .Any(key => keys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)));

    private static NpgsqlDataSource CreateDataSource(PostgresStorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException(
                "PostgresStorageOptions.ConnectionString is required for PostgreSQL grain storage: set it, e.g. 'Host=localhost;Username=granary;Password=...;Database=granary'.");
        }

        try
        {
            return NpgsqlDataSource.Create(WithStorageDefaults(options.ConnectionString));
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword; the connection string itself may hold a password, so it is not echoed.
            throw new InvalidOperationException($"PostgresStorageOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}", ex);
        }
    }

    private NpgsqlCommand KeyedCommand(string sql, GrainId grainId, string stateName)
    {
        var command = GetDataSource().CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        return command;
    }

    private async Task<long?> ReadVersionAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await using var command = KeyedCommand(ReadVersionSql, grainId, stateName);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    private async Task<InconsistentStateException> ConflictAsync(
        string operation, GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
    {
        var storedEtag = (await ReadVersionAsync(grainId, stateName, cancellationToken))?.ToString(CultureInfo.InvariantCulture);
        return new InconsistentStateException(
            $"Cannot {operation} state '{stateName}' of {grainId}: stored etag is {storedEtag ?? "(none)"}, presented etag is {etag ?? "(none)"}.",
            storedEtag,
            etag);
    }

    private static bool TryParseVersion(string etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);
}
