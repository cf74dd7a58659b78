namespace Granary.Runtime.Reminders;

/// <summary>How durable reminders are polled, fired and retried (configuration section <c>Granary:Reminders</c>).</summary>
public sealed class ReminderOptions
{
    /// <summary>How often the silo claims the reminders due soon from the table.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed tick is held before another poll may fire it again (a crash in between re-fires it after this).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Number of buckets reminders are spread over (by grain id hash); fixed for the life of a cluster.</summary>
    public int BucketCount { get; set; } = 64;

    /// <summary>The most rows one claim takes.</summary>
    public int ClaimBatchSize { get; set; } = 1000;

    /// <summary>The shortest period a periodic reminder may have.</summary>
    public TimeSpan MinimumPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts of a one-shot tick whose ReceiveReminder throws before it is abandoned (logged and counted).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay before the first retry of a failed one-shot tick; doubled for every further attempt.</summary>
    public TimeSpan RetryBackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between retries.</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Ticks delivered at the same time, at most.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 1000;

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 = first retry).</summary>
    public TimeSpan BackoffFor(int nextAttempt)
    {
        var exponent = Math.Clamp(nextAttempt - 2, 0, 30);
        var delay = RetryBackoffBase.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, RetryBackoffMax.TotalMilliseconds));
    }
}
