using Microsoft.AspNetCore.Authentication;

namespace Granary.WebApi.Auth;

/// <summary>The API's one authentication scheme: bearer access tokens and API keys (<see cref="BearerAuthenticationHandler"/>).</summary>
internal static class AuthSchemes
{
    public const string Bearer = "Bearer";

    public static AuthenticationBuilder AddGranaryAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<Users.SessionTokens>();
        services.AddSingleton<AccessTokenValidator>();
        return services.AddAuthentication(Bearer)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(Bearer, "Access token or API key", null);
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
