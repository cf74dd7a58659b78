using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Granary.WebApi.Auth;

/// <summary>Who is calling: a user (from an access token) or a machine (an organization's API key).</summary>
internal static class CurrentUser
{
    public const string OrganizationClaim = "org";
    public const string ScopeClaim = "scope";

    /// <summary>The user id of an access token, or null for API keys and anonymous calls.</summary>
    public static string? UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The organization an API key belongs to, or null for users.</summary>
    public static string? ApiKeyOrganization(this ClaimsPrincipal principal) => principal.FindFirstValue(OrganizationClaim);
}
