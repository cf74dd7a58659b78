namespace Granary.Grains.Users;

/// <summary>Failed logins in a fixed window (<see cref="Window"/>); a plain type so the arithmetic is testable without a silo.</summary>
[GenerateSerializer, Alias("granary.state.LoginFailures")]
public sealed class LoginFailures
{
    /// <summary>How long failures are counted and how long a locked key stays locked at most.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    [Id(0)]
    public DateTimeOffset WindowStart { get; set; }

    [Id(1)]
    public int Count { get; set; }

    public TimeSpan? RetryAfter(int limit, DateTimeOffset now)
    {
        var windowEnd = WindowStart + Window;
        return Count >= limit && now < windowEnd ? windowEnd - now : null;
    }

    public void Record(DateTimeOffset now)
    {
        if (now >= WindowStart + Window)
        {
            WindowStart = now;
            Count = 0;
        }
        Count++;
    }
}

/// <summary>Kept in memory only: a silo restart forgives failures, which is fine for throttling.</summary>
[CollectionAgeLimit(Minutes = 20)]
public sealed class LoginThrottleGrain(TimeProvider time) : Grain, ILoginThrottleGrain
{
    private readonly LoginFailures _failures = new();

    public Task<TimeSpan?> RetryAfter(int limit) => Task.FromResult(_failures.RetryAfter(limit, time.GetUtcNow()));

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
