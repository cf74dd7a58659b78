using System.Security.Claims;

namespace Granary.WebApi.Auth;

/// <summary>
/// Who is calling: a user (from an access token) or a machine (an organization's API key). Every authenticated
/// request's principal is a <see cref="CallerPrincipal"/> (<see cref="BearerAuthenticationMiddleware"/>); anything
/// else is anonymous. The claim names are those of an API key's identity.
/// </summary>
internal static class CurrentUser
{
    public const string OrganizationClaim = "org";
    public const string ScopeClaim = "scope";
    public const string KeyClaim = "key";

    /// <summary>The user id of an access token, or null for API keys and anonymous calls.</summary>
    public static string? UserId(this ClaimsPrincipal principal) => (principal as CallerPrincipal)?.UserId;

    /// <summary>The organization an API key belongs to, or null for users and anonymous calls.</summary>
    public static string? ApiKeyOrganization(this ClaimsPrincipal principal) => (principal as CallerPrincipal)?.ApiKeyOrganization;

    /// <summary>True when the caller is an API key holding <paramref name="scope"/>.</summary>
    public static bool HasScope(this ClaimsPrincipal principal, string scope) => principal is CallerPrincipal caller && caller.Scopes.Contains(scope);
}
