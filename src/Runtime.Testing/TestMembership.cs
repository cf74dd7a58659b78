namespace Granary.Runtime.Testing;

/// <summary>Which membership table a clustered <see cref="TestCluster"/> uses.</summary>
public sealed record TestMembership
{
    private TestMembership(string kind, string? configuration, string? keyPrefix)
    {
        Kind = kind;
        Configuration = configuration;
        KeyPrefix = keyPrefix;
    }

    /// <summary>"memory" or "redis".</summary>
    public string Kind { get; }

    /// <summary>The Redis configuration string.</summary>
    public string? Configuration { get; }

    /// <summary>The Redis key prefix.</summary>
    public string? KeyPrefix { get; }

    /// <summary>An in-memory table shared by the cluster's silos.</summary>
    public static TestMembership Memory { get; } = new("memory", null, null);

    /// <summary>A Redis table under a key prefix of the test's own.</summary>
    public static TestMembership Redis(string configuration, string keyPrefix) => new("redis", configuration, keyPrefix);
}
