using Granary.Grains.Users;

namespace Granary.WebApi.Users;

/// <summary>
/// Login throttling without a lockout switch (OWASP's authentication guidance): failed logins are counted per account
/// <em>and client address together</em>, and per client address. Past <see cref="PairFreeFailures"/> failures for one
/// account from one address, or <see cref="AddressFreeFailures"/> from one address whatever the account, each further
/// try from there waits 1 s after the last failure, then 2 s, 4 s, … up to 15 minutes (429 with Retry-After);
/// failures are forgotten 15 minutes after the last one (<see cref="LoginFailures"/>). Nobody can lock an owner out:
/// guesses from other addresses never slow the owner's own. A successful login clears its account's count at its
/// address. The client address is the one the trusted proxy forwards (<c>Granary:Http:TrustedProxies</c>).
/// </summary>
internal sealed class LoginThrottle(IGrainFactory grains, string normalizedEmail, string? address)
{
    public const int PairFreeFailures = 3;
    public const int AddressFreeFailures = 20;

    private ILoginThrottleGrain Pair => grains.GetGrain<ILoginThrottleGrain>($"account:{normalizedEmail}|address:{address ?? "unknown"}");

    private ILoginThrottleGrain Address => grains.GetGrain<ILoginThrottleGrain>("address:" + (address ?? "unknown"));

    /// <summary>How long to wait before trying again, or null when a login may be tried now.</summary>
    public async Task<TimeSpan?> RetryAfter()
    {
        var pair = await Pair.RetryAfter(PairFreeFailures);
        var byAddress = await Address.RetryAfter(AddressFreeFailures);
        return pair > byAddress || byAddress is null ? pair : byAddress;
    }

    public Task RecordFailure() => Task.WhenAll(Pair.RecordFailure(), Address.RecordFailure());

    public Task RecordSuccess() => Pair.Reset();
}
