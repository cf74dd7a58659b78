namespace Granary.WebApi.Auth;

/// <summary>
/// The API's one authentication scheme: <c>Authorization: Bearer …</c> with an access token or an API key. Requests
/// are authenticated by <see cref="BearerAuthenticationMiddleware"/>; endpoints that need a caller say so with
/// <see cref="CallerGate.RequireCaller{TBuilder}"/> and <see cref="CallerGateMiddleware"/> answers 401 otherwise.
/// The framework's authentication and authorization middleware are not used: the first would build a scheme handler
/// per request, and what a caller may do is decided per organization by the endpoints themselves.
/// </summary>
internal static class AuthSchemes
{
    public const string Bearer = "Bearer";

    public static IServiceCollection AddGranaryAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<Users.SessionTokens>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<BearerAuthenticator>();
        return services;
    }

    /// <summary>
    /// Authenticates requests and refuses anonymous calls to endpoints that need a caller; after routing and CORS,
    /// before rate limiting (whose per-caller partition needs the caller).
    /// </summary>
    public static IApplicationBuilder UseGranaryAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<BearerAuthenticationMiddleware>().UseMiddleware<CallerGateMiddleware>();

    /// <summary>The credential of an <c>Authorization: Bearer …</c> header value, or empty.</summary>
    public static ReadOnlySpan<char> BearerToken(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header.AsSpan("Bearer ".Length).Trim() : [];
}
