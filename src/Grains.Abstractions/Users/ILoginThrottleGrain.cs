namespace Granary.Grains.Users;

/// <summary>
/// Counts failed logins for one key ("account:{email}|address:{ip}" or "address:{ip}") and, past the free ones, makes
/// each further try wait longer (1 s, 2 s, 4 s, … up to 15 minutes); failures are forgotten 15 minutes after the last.
/// </summary>
[Alias("granary.ILoginThrottleGrain")]
public interface ILoginThrottleGrain : IGrainWithStringKey
{
    /// <summary>How long the caller must wait, or null when a login may be tried now.</summary>
    [ReadOnly]
    Task<TimeSpan?> RetryAfter(int freeFailures);

    /// <summary>Counts one failure.</summary>
    Task RecordFailure();

    /// <summary>Forgets the failures (a successful login to the account).</summary>
    Task Reset();
}
