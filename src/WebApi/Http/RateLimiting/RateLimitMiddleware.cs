using System.Globalization;
using Granary.WebApi.Auth;

namespace Granary.WebApi.Http.RateLimiting;

/// <summary>
/// Counts each request to an endpoint with a <see cref="RateLimitPolicy"/> against its partition — the caller's
/// (<see cref="CallerPrincipal.RateLimitPartition"/>) or the client address — and answers 429 problem details with
/// <c>Retry-After</c> (whole seconds until the partition's window ends) once the partition has used its permits.
/// Runs after authentication, so the per-caller limit knows the caller.
/// </summary>
internal sealed partial class RateLimitMiddleware(RequestDelegate next, RateLimiters limiters, IProblemDetailsService problems, ILogger<RateLimitMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RateLimitPolicy>() is not { } policy)
        {
            return next(context);
        }
        var (limiter, partition) = ReferenceEquals(policy, RateLimitPolicy.PerCaller)
            ? (limiters.PerCaller, context.User is CallerPrincipal caller ? caller.RateLimitPartition : ClientAddress(context))
            : (limiters.PerClientAddress, ClientAddress(context));
        return limiter.TryAcquire(partition, out var retryAfter) ? next(context) : RejectAsync(context, policy, retryAfter);
    }

    private static string ClientAddress(HttpContext context) => "ip:" + context.Connection.RemoteIpAddress;

    private async Task RejectAsync(HttpContext context, RateLimitPolicy policy, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        Limited(logger, policy.Name, seconds);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests; retry after the time in Retry-After." },
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Rate limit ({Policy}) reached; retry after {Seconds} s")]
    private static partial void Limited(ILogger logger, string policy, int seconds);
}

/// <summary>The silo's two limiters, sized from <see cref="HttpOptions"/> (one-minute windows).</summary>
internal sealed class RateLimiters(HttpOptions options, TimeProvider time)
{
    public FixedWindowLimiter PerCaller { get; } = new(options.AuthenticatedRequestsPerMinute, TimeSpan.FromMinutes(1), time);

    public FixedWindowLimiter PerClientAddress { get; } = new(options.AnonymousRequestsPerMinute, TimeSpan.FromMinutes(1), time);
}
