using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Granary.WebApi.Auth;

/// <summary>Who is calling: a user (from an access token) or a machine (an organization's API key).</summary>
internal static class CurrentUser
{
    public const string OrganizationClaim = "org";
    public const string ScopeClaim = "scope";
    public const string KeyClaim = "key";

    /// <summary>The user id of an access token, or null for API keys and anonymous calls.</summary>
    public static string? UserId(this ClaimsPrincipal principal) => principal is CallerPrincipal caller
        ? caller.UserId
        : principal.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The organization an API key belongs to, or null for users.</summary>
    public static string? ApiKeyOrganization(this ClaimsPrincipal principal) => principal is CallerPrincipal caller
        ? caller.ApiKeyOrganization
        : principal.FindFirstValue(OrganizationClaim);

    /// <summary>True when the caller is an API key holding <paramref name="scope"/>.</summary>
    public static bool HasScope(this ClaimsPrincipal principal, string scope) => principal is CallerPrincipal caller
        ? caller.Scopes.Contains(scope)
        : principal.FindAll(ScopeClaim).Any(c => c.Value == scope);
}
