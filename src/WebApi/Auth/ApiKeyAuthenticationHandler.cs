using System.Security.Claims;
using System.Text.Encodings.Web;
using Granary.Grains.Organizations;
using Granary.Runtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Granary.WebApi.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer gk_…</c> with an organization's API key: looks the key's hash up in the key
/// index and, unless revoked, acts in that organization with the key's scopes (<see cref="CurrentUser.OrganizationClaim"/>,
/// <see cref="CurrentUser.ScopeClaim"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthSchemes.BearerToken(Request) is not { } key || !key.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }
        var grant = await grains.GetGrain<IApiKeyIndexGrain>(SecretTokens.Hash(key)).Get();
        if (grant is null || grant.Revoked)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }
        var claims = new List<Claim>
        {
            new(CurrentUser.OrganizationClaim, grant.OrganizationId),
            new("key", grant.KeyId),
        };
        claims.AddRange(grant.Scopes.Select(s => new Claim(CurrentUser.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
