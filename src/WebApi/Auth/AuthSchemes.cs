using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Granary.WebApi.Auth;

/// <summary>
/// One bearer header, two kinds of credential: a policy scheme sends <c>Bearer gk_…</c> to the API-key handler and
/// everything else to JWT validation.
/// </summary>
internal static class AuthSchemes
{
    public const string Bearer = "BearerOrApiKey";
    public const string ApiKey = "ApiKey";

    public static AuthenticationBuilder AddGranaryAuthentication(this IServiceCollection services) =>
        services.AddSingleton<Users.SessionTokens>()
            .AddAuthentication(Bearer)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKey, null)
            .AddPolicyScheme(Bearer, "Access token or API key", o => o.ForwardDefaultSelector = context =>
                BearerToken(context.Request)?.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal) == true
                    ? ApiKey
                    : JwtBearerDefaults.AuthenticationScheme);

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
