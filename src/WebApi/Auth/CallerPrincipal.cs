using System.Security.Claims;

namespace Granary.WebApi.Auth;

/// <summary>
/// The principal of an authenticated request: the claims a handler may read, plus what the API asks of every call
/// (user id, API key's organization and scopes, rate-limit partition) as fields, so checks don't scan claims. Built
/// once per access token (shared by every request carrying it, never modified) or once per API-key request.
/// </summary>
internal sealed class CallerPrincipal : ClaimsPrincipal
{
    private CallerPrincipal(ClaimsIdentity identity, string? userId, string? apiKeyOrganization, string? apiKeyId, IReadOnlyList<string> scopes)
        : base(identity)
    {
        UserId = userId;
        ApiKeyOrganization = apiKeyOrganization;
        ApiKeyId = apiKeyId;
        Scopes = scopes;
        RateLimitPartition = userId is not null ? "user:" + userId : "key:" + apiKeyId;
    }

    /// <summary>The user of an access token; null for API keys.</summary>
    public string? UserId { get; }

    /// <summary>The organization an API key belongs to; null for users.</summary>
    public string? ApiKeyOrganization { get; }

    /// <summary>The API key's id; null for users.</summary>
    public string? ApiKeyId { get; }

    /// <summary>The API key's scopes (<c>read</c>, <c>write</c>); empty for users.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The per-caller rate-limit partition: one per user, one per API key.</summary>
    public string RateLimitPartition { get; }

    /// <summary>A user's principal from a validated access token's identity (whose name claim is the user id).</summary>
    public static CallerPrincipal ForUser(ClaimsIdentity identity) =>
        new(identity, identity.Name ?? throw new ArgumentException("The identity has no user id.", nameof(identity)), null, null, []);

    /// <summary>An API key's principal: acts in <paramref name="organizationId"/> with <paramref name="scopes"/>.</summary>
    public static CallerPrincipal ForApiKey(string organizationId, string keyId, IReadOnlyList<string> scopes, string authenticationType)
    {
        var claims = new List<Claim>(2 + scopes.Count)
        {
            new(CurrentUser.OrganizationClaim, organizationId),
            new(CurrentUser.KeyClaim, keyId),
        };
        foreach (var scope in scopes)
        {
            claims.Add(new Claim(CurrentUser.ScopeClaim, scope));
        }
        return new CallerPrincipal(new ClaimsIdentity(claims, authenticationType), null, organizationId, keyId, scopes);
    }
}
