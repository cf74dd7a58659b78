namespace Granary.WebApi.Http.RateLimiting;

/// <summary>
/// The two rate limits an endpoint can count against (<c>Granary:Http</c>), as ASP.NET Core rate-limiting policies
/// (<see cref="GranaryRateLimits"/>): per caller (user or API key) for authenticated endpoints, per client address for
/// anonymous ones. The most specific policy wins, so an endpoint can override its group's.
/// </summary>
internal sealed class RateLimitPolicy
{
    /// <summary><c>AuthenticatedRequestsPerMinute</c>, counted per user or API key.</summary>
    public static readonly RateLimitPolicy PerCaller = new("per caller");

    /// <summary><c>AnonymousRequestsPerMinute</c>, counted per client address (register, login, inbound hooks).</summary>
    public static readonly RateLimitPolicy PerClientAddress = new("per client address");

    private RateLimitPolicy(string name) => Name = name;

    /// <summary>The policy's name in the rate limiter's options.</summary>
    public string Name { get; }

    public override string ToString() => Name;
}

/// <summary>Attaches a <see cref="RateLimitPolicy"/> to endpoints.</summary>
internal static class RateLimitPolicyExtensions
{
    /// <summary>
    /// The limit, and the answers every rate-limited (that is, every API) operation can give: 429 past the limit, 503
    /// while a store it needs is away or the cluster moves work (ApiProblems).
    /// </summary>
    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, RateLimitPolicy policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy.Name).DocumentProblems(StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
}
