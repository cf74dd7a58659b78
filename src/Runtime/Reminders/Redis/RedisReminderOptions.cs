namespace Granary.Runtime.Reminders.Redis;

/// <summary>Settings of the Redis reminder table.</summary>
public sealed class RedisReminderOptions
{
    /// <summary>The StackExchange.Redis configuration string, e.g. "127.0.0.1:6379".</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>The first segment of every key, so several clusters or tests can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "granary";

    /// <summary>The number of reminder buckets; must equal the reminder service's. Used only to count rows.</summary>
    public int BucketCount { get; set; } = 64;
}
