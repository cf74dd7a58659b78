using Microsoft.Data.Sqlite;

namespace Granary.Persistence;

/// <summary>Builds the Microsoft.Data.Sqlite connection string Granary uses for its SQLite file.</summary>
public static class SqliteDatabase
{
    /// <summary>How long a command waits for another writer by default before failing with SQLITE_BUSY.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Creates the file's folder when missing and returns a connection string for it: read-write-create,
    /// private cache, pooled, and a busy timeout so that concurrent writers wait instead of failing.
    /// </summary>
    /// <param name="path">The database file; relative paths resolve against the current directory.</param>
    /// <param name="busyTimeout">How long a statement waits for a lock held by another connection (whole seconds, rounded up).</param>
    public static string ConnectionString(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var timeout = busyTimeout ?? DefaultBusyTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(busyTimeout));

        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Microsoft.Data.Sqlite retries a statement that meets SQLITE_BUSY until the command timeout,
        // which defaults to "Default Timeout": that is the busy timeout every Orleans-opened connection gets.
        return new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(timeout.TotalSeconds),
        }.ToString();
    }
}
