namespace Granary.Runtime.Persistence.Sqlite;

/// <summary>Settings of the SQLite grain state store (configuration section <c>Granary:Storage:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file; relative paths resolve against the working directory, whose missing folders are created.</summary>
    public string Path { get; set; } = "data/granary.db";

    /// <summary>How long a statement waits for another connection's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
