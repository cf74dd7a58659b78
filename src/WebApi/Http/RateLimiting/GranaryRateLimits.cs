using System.Globalization;
using System.Threading.RateLimiting;
using Granary.WebApi.Auth;
using Microsoft.AspNetCore.RateLimiting;

namespace Granary.WebApi.Http.RateLimiting;

/// <summary>
/// Granary's rate limits on ASP.NET Core's rate-limiting middleware: partitioned fixed one-minute windows, per caller
/// (<see cref="CallerPrincipal.RateLimitPartition"/>, else the client address) or per client address — the real
/// client's behind a trusted proxy, as the forwarded-headers middleware runs first. A request over the limit gets a
/// 429 problem response with <c>Retry-After</c> (whole seconds until its window ends). The middleware runs after
/// authentication, so the per-caller limit knows the caller.
/// </summary>
internal static partial class GranaryRateLimits
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddGranaryRateLimits(this IServiceCollection services, HttpOptions http)
    {
        // Made once: the partitioned limiter calls these only when it creates a partition's window.
        var perCaller = Options(http.AuthenticatedRequestsPerMinute);
        var perClientAddress = Options(http.AnonymousRequestsPerMinute);
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy.PerCaller.Name, context =>
                RateLimitPartition.GetFixedWindowLimiter(context.User is CallerPrincipal caller ? caller.RateLimitPartition : ClientAddress(context), perCaller));
            o.AddPolicy(RateLimitPolicy.PerClientAddress.Name, context => RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), perClientAddress));
            o.OnRejected = RejectAsync;
        });
    }

    private static Func<string, FixedWindowRateLimiterOptions> Options(int permitsPerMinute)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitsPerMinute);
        var options = new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = Window, QueueLimit = 0 };
        return _ => options;
    }

    private static string ClientAddress(HttpContext context) => "ip:" + context.Connection.RemoteIpAddress;

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : (int)Window.TotalSeconds;
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "global";
        Limited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GranaryRateLimits)), policy, seconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests; retry after the time in Retry-After." },
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Rate limit ({Policy}) reached; retry after {Seconds} s")]
    private static partial void Limited(ILogger logger, string policy, int seconds);
}
