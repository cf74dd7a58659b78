namespace Granary.Grains.Users;

/// <summary>
/// Counts failed logins for one key ("account:{email}" or "address:{ip}") in a fixed window and locks the key
/// once the limit is reached, until the window ends.
/// </summary>
[Alias("granary.ILoginThrottleGrain")]
public interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>How long the caller must wait, or null when a login may be tried now.</summary>
    [ReadOnly]
    Task<TimeSpan?> RetryAfter(int limit);

    /// <summary>Counts one failure.</summary>
    Task RecordFailure();

    /// <summary>Forgets the failures (a successful login to the account).</summary>
    Task Reset();
}
