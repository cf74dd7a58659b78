using Granary.Grains.Users;

namespace Granary.WebApi.Users;

/// <summary>
/// Failed logins are counted per account (normalised email) and per client address in 15-minute windows
/// (<see cref="LoginFailures.Window"/>). After <see cref="AccountLimit"/> failures for one account, or
/// <see cref="AddressLimit"/> from one address, logins answer 429 with Retry-After until the window ends.
/// The address limit is higher because many users can share an address (offices, NAT).
/// </summary>
internal sealed class LoginThrottle(IGrainFactory grains, string normalizedEmail, string? address)
{
    public const int AccountLimit = 5;
    public const int AddressLimit = 20;

    private ILoginThrottleGrain Account => grains.GetGrain<ILoginThrottleGrain>("account:" + normalizedEmail);

    private ILoginThrottleGrain Address => grains.GetGrain<ILoginThrottleGrain>("address:" + (address ?? "unknown"));

    /// <summary>How long to wait before trying again, or null when a login may be tried now.</summary>
    public async Task<TimeSpan?> RetryAfter()
    {
        var account = await Account.RetryAfter(AccountLimit);
        var byAddress = await Address.RetryAfter(AddressLimit);
        return account > byAddress || byAddress is null ? account : byAddress;
    }

    public Task RecordFailure() => Task.WhenAll(Account.RecordFailure(), Address.RecordFailure());

    public Task RecordSuccess() => Account.Reset();
}
