namespace Granary.Runtime.Testing;

/// <summary>Which grain storage a <see cref="TestCluster"/> uses. Memory storage outlives silo restarts within one cluster.</summary>
public sealed record TestStorage
{
    private TestStorage(string kind, string? setting)
    {
        Kind = kind;
        Setting = setting;
    }

    /// <summary>"memory", "sqlite" or "postgres".</summary>
    public string Kind { get; }

    /// <summary>The SQLite path or PostgreSQL connection string.</summary>
    public string? Setting { get; }

    /// <summary>In memory, shared by every silo of the cluster.</summary>
    public static TestStorage Memory { get; } = new("memory", null);

    /// <summary>A SQLite file.</summary>
    public static TestStorage Sqlite(string path) => new("sqlite", path);

    /// <summary>A PostgreSQL database.</summary>
    public static TestStorage Postgres(string connectionString) => new("postgres", connectionString);
}

/// <summary>Which reminder table a <see cref="TestCluster"/> uses. The memory table outlives silo restarts within one cluster.</summary>
public sealed record TestReminders
{
    private TestReminders(string kind, string? setting, string? keyPrefix)
    {
        Kind = kind;
        Setting = setting;
        KeyPrefix = keyPrefix;
    }

    /// <summary>"memory", "sqlite" or "redis".</summary>
    public string Kind { get; }

    /// <summary>The SQLite path or Redis configuration.</summary>
    public string? Setting { get; }

    /// <summary>The Redis key prefix.</summary>
    public string? KeyPrefix { get; }

    /// <summary>In memory, shared by every silo of the cluster.</summary>
    public static TestReminders Memory { get; } = new("memory", null, null);

    /// <summary>A SQLite file.</summary>
    public static TestReminders Sqlite(string path) => new("sqlite", path, null);

    /// <summary>Redis, under a key prefix of the test's own.</summary>
    public static TestReminders Redis(string configuration, string keyPrefix) => new("redis", configuration, keyPrefix);
}
