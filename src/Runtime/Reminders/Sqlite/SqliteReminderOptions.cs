namespace Granary.Runtime.Reminders.Sqlite;

/// <summary>Settings of the SQLite reminder table.</summary>
public sealed class SqliteReminderOptions
{
    /// <summary>The database file; its directory is created when missing. May be shared with the SQLite grain storage.</summary>
    public string Path { get; set; } = "data/granary.db";

    /// <summary>How long an operation waits for another connection's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
