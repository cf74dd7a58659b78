namespace Granary.Runtime.Cluster.Membership.Redis;

/// <summary>Settings of the Redis membership table.</summary>
public sealed class RedisMembershipOptions
{
    /// <summary>The StackExchange.Redis configuration string, e.g. "127.0.0.1:6379" (abortConnect is always forced to false).</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>The first segment of every key, so several deployments or tests can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "granary";

    /// <summary>The cluster's name: the second key segment, so several clusters can share one Redis and prefix.</summary>
    public string ClusterId { get; set; } = "dev";
}
