using System.Data;
using System.Globalization;
using Granary.Runtime.Persistence.Schema;
using Microsoft.Data.Sqlite;

namespace Granary.Runtime.Reminders.Sqlite;

/// <summary>
/// Reminder rows in a SQLite file (WAL mode). Each operation opens its own pooled connection, so the table is
/// safe for concurrent callers; a claim runs in a <c>BEGIN IMMEDIATE</c> transaction, which takes the write lock
/// before reading, so two claimers never select the same due row.
/// </summary>
internal sealed class SqliteReminderTable : IReminderTable
{
    private const string Columns = "grain_type, grain_key, name, bucket, due_ms, period_ms, attempt, version";

    private static readonly SchemaMigration[] Migrations =
    [
        new(1, "reminder rows and the due index claims scan", """
            CREATE TABLE granary_reminders (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                name TEXT NOT NULL,
                bucket INTEGER NOT NULL,
                due_ms INTEGER NOT NULL,
                period_ms INTEGER NULL,
                attempt INTEGER NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (grain_type, grain_key, name));
            CREATE INDEX ix_granary_reminders_due ON granary_reminders (bucket, due_ms);
            """),
    ];

    private readonly string _path;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    public SqliteReminderTable(SqliteReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        _path = Path.GetFullPath(options.Path);
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    public string Kind => "sqlite";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        // WAL lets readers go on while a claim holds the write lock; the mode is stored in the file.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await SqliteSchema.MigrateAsync(connection, "reminders", Migrations, cancellationToken);
    }

    public async Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO granary_reminders ({Columns}) VALUES ($type, $key, $name, $bucket, $due, $period, 0, 1)
            ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET
                bucket = excluded.bucket, due_ms = excluded.due_ms, period_ms = excluded.period_ms,
                attempt = 0, version = granary_reminders.version + 1
            RETURNING {Columns};
            """;
        AddKey(command, entry.GrainId, entry.Name);
        command.Parameters.AddWithValue("$bucket", entry.Bucket);
        command.Parameters.AddWithValue("$due", entry.DueTime.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$period", entry.Period is { } period ? (long)period.TotalMilliseconds : DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Map(reader);
    }

    public async Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM granary_reminders WHERE grain_type = $type AND grain_key = $key AND name = $name";
        AddKey(command, grainId, name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM granary_reminders WHERE grain_type = $type AND grain_key = $key AND name = $name";
        AddKey(command, grainId, name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Map(reader) : null;
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM granary_reminders WHERE grain_type = $type AND grain_key = $key ORDER BY name";
        command.Parameters.AddWithValue("$type", grainId.Type);
        command.Parameters.AddWithValue("$key", grainId.Key);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(IReadOnlyList<int> buckets, DateTimeOffset dueBefore, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count == 0 || max <= 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken);
        // IMMEDIATE: the write lock is taken before the SELECT, so the rows read are still due when updated.
        await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);

        List<ReminderEntry> due;
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            var names = new string[buckets.Count];
            for (var i = 0; i < buckets.Count; i++)
            {
                names[i] = "$b" + i.ToString(CultureInfo.InvariantCulture);
                select.Parameters.AddWithValue(names[i], buckets[i]);
            }
            select.CommandText = $"""
                SELECT {Columns} FROM granary_reminders
                WHERE bucket IN ({string.Join(", ", names)}) AND due_ms <= $dueBefore
                ORDER BY due_ms, grain_type, grain_key, name
                LIMIT $max
                """;
            select.Parameters.AddWithValue("$dueBefore", dueBefore.ToUnixTimeMilliseconds());
            select.Parameters.AddWithValue("$max", max);
            due = await ReadAllAsync(select, cancellationToken);
        }

        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE granary_reminders SET due_ms = $lease, version = version + 1
                WHERE grain_type = $type AND grain_key = $key AND name = $name
                """;
            var lease = update.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeMilliseconds());
            var type = update.Parameters.Add("$type", SqliteType.Text);
            var key = update.Parameters.Add("$key", SqliteType.Text);
            var name = update.Parameters.Add("$name", SqliteType.Text);
            foreach (var row in due)
            {
                type.Value = row.GrainId.Type;
                key.Value = row.GrainId.Key;
                name.Value = row.Name;
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return due.ConvertAll(row => row with { Version = row.Version + 1 });
    }

    public async Task<bool> CompleteAsync(ReminderEntry claimed, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (nextDue is { } due)
        {
            command.CommandText = """
                UPDATE granary_reminders SET due_ms = $due, attempt = 0, version = version + 1
                WHERE grain_type = $type AND grain_key = $key AND name = $name AND version = $version
                """;
            command.Parameters.AddWithValue("$due", due.ToUnixTimeMilliseconds());
        }
        else
        {
            command.CommandText = "DELETE FROM granary_reminders WHERE grain_type = $type AND grain_key = $key AND name = $name AND version = $version";
        }
        AddKey(command, claimed.GrainId, claimed.Name);
        command.Parameters.AddWithValue("$version", claimed.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> RetryAsync(ReminderEntry claimed, DateTimeOffset nextDue, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE granary_reminders SET due_ms = $due, attempt = $attempt, version = version + 1
            WHERE grain_type = $type AND grain_key = $key AND name = $name AND version = $version
            """;
        AddKey(command, claimed.GrainId, claimed.Name);
        command.Parameters.AddWithValue("$due", nextDue.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$attempt", attempt);
        command.Parameters.AddWithValue("$version", claimed.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM granary_reminders";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT 1", cancellationToken);
            return new ProviderHealth("reminders", Kind, true, _path);
        }
        catch (Exception ex)
        {
            return new ProviderHealth("reminders", Kind, false, $"{_path}: {ex.Message}");
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // busy_timeout is per connection: SQLite itself waits for the lock instead of failing with SQLITE_BUSY.
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddKey(SqliteCommand command, GrainId grainId, string name)
    {
        command.Parameters.AddWithValue("$type", grainId.Type);
        command.Parameters.AddWithValue("$key", grainId.Key);
        command.Parameters.AddWithValue("$name", name);
    }

    private static async Task<List<ReminderEntry>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Map(reader));
        }
        return rows;
    }

    private static ReminderEntry Map(SqliteDataReader reader) => new()
    {
        GrainId = new GrainId(reader.GetString(0), reader.GetString(1)),
        Name = reader.GetString(2),
        Bucket = reader.GetInt32(3),
        DueTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        Period = reader.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(5)),
        Attempt = reader.GetInt32(6),
        Version = reader.GetInt64(7),
    };
}
