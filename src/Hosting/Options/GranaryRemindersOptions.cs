namespace Granary.Hosting;

/// <summary>Reminders (configuration section <c>Granary:Reminders</c>): the reminder table and Orleans's <c>ReminderOptions</c>.</summary>
public sealed class GranaryRemindersOptions
{
    /// <summary>Configuration section the options bind to.</summary>
    public const string Section = "Granary:Reminders";

    /// <summary><c>Sqlite</c> (a single silo) or <c>Redis</c> (required by a cluster); case-insensitive.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Shortest period a reminder may have (Orleans <c>ReminderOptions.MinimumReminderPeriod</c>).</summary>
    public TimeSpan MinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>SQLite reminder table.</summary>
    public GranarySqliteRemindersOptions Sqlite { get; set; } = new();

    /// <summary>Redis reminder table.</summary>
    public GranaryRedisOptions Redis { get; set; } = new();
}

/// <summary>SQLite reminder table (<c>Granary:Reminders:Sqlite</c>).</summary>
public sealed class GranarySqliteRemindersOptions
{
    /// <summary>Database file; unset means the grain storage's file (<c>Granary:Storage:Sqlite:Path</c>).</summary>
    public string? Path { get; set; }
}

/// <summary>A Redis server (<c>…:Redis</c>).</summary>
public sealed class GranaryRedisOptions
{
    /// <summary>StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…</c>.</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";
}
