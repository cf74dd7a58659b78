namespace Granary.Grains.Users;

/// <summary>
/// Failed logins of one key, with growing delays: the first <c>freeFailures</c> cost nothing; after that, each
/// further try waits 1 s after the last failure, then 2 s, 4 s, … up to <see cref="MaxDelay"/>. Failures are
/// forgotten <see cref="ForgetAfter"/> after the last one. A plain type so the arithmetic is testable without a silo.
/// </summary>
[GenerateSerializer, Alias("granary.state.LoginFailures")]
public sealed class LoginFailures
{
    /// <summary>The longest delay between two tries.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>How long after the last failure the count starts again from zero.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(15);

    [Id(0)]
    public DateTimeOffset LastFailure { get; set; }

    [Id(1)]
    public int Count { get; set; }

    /// <summary>How long to wait before the next try, or null when one may be made now.</summary>
    public TimeSpan? RetryAfter(int freeFailures, DateTimeOffset now)
    {
        var count = CountAt(now);
        if (count <= freeFailures)
        {
            return null;
        }
        var retryAt = LastFailure + Delay(count - freeFailures);
        return now < retryAt ? retryAt - now : null;
    }

    public void Record(DateTimeOffset now)
    {
        Count = CountAt(now) + 1;
        LastFailure = now;
    }

    /// <summary>The delay after the <paramref name="excess"/>-th failure beyond the free ones: 1 s, 2 s, 4 s, … capped.</summary>
    public static TimeSpan Delay(int excess) =>
        excess >= 20 ? MaxDelay : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, excess - 1)));

    private int CountAt(DateTimeOffset now) => now - LastFailure >= ForgetAfter ? 0 : Count;
}

/// <summary>Kept in memory only: a silo restart forgives failures, which is fine for throttling.</summary>
[CollectionAgeLimit(Minutes = 20)]
public sealed class LoginThrottleGrain(TimeProvider time) : Grain, ILoginThrottleGrain
{
    private readonly LoginFailures _failures = new();

    public Task<TimeSpan?> RetryAfter(int freeFailures) => Task.FromResult(_failures.RetryAfter(freeFailures, time.GetUtcNow()));

    public Task RecordFailure()
    {
        _failures.Record(time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Reset()
    {
        _failures.Count = 0;
        return Task.CompletedTask;
    }
}
