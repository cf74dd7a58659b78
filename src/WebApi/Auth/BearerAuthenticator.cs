using System.Security.Claims;
using Granary.Grains.Organizations;
using Granary.Runtime;
using Microsoft.AspNetCore.Authentication;

namespace Granary.WebApi.Auth;

/// <summary>
/// Turns an <c>Authorization: Bearer …</c> header into a caller (a singleton, shared by
/// <see cref="BearerAuthenticationMiddleware"/> and <see cref="BearerAuthenticationHandler"/>):
/// <list type="bullet">
/// <item><c>Bearer gk_…</c> is an organization's API key: its hash is looked up in the key index and, unless revoked,
/// the caller acts in that organization with the key's scopes (<see cref="CurrentUser.OrganizationClaim"/>,
/// <see cref="CurrentUser.ScopeClaim"/>).</item>
/// <item>anything else is a user's access token (JWT), validated by <see cref="AccessTokenValidator"/>.</item>
/// </list>
/// No header is no result (anonymous); a refused credential is a failure.
/// </summary>
internal sealed class BearerAuthenticator(AccessTokenValidator accessTokens, IGrainFactory grains)
{
    public async ValueTask<AuthenticateResult> AuthenticateAsync(HttpRequest request)
    {
        if (AuthSchemes.BearerToken(request) is not { Length: > 0 } token)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateApiKeyAsync(token);
        }
        var (identity, error) = await accessTokens.ValidateAsync(token, AuthSchemes.Bearer);
        return identity is null
            ? AuthenticateResult.Fail(error ?? "The access token is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), AuthSchemes.Bearer));
    }

    private async Task<AuthenticateResult> AuthenticateApiKeyAsync(string key)
    {
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
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, AuthSchemes.Bearer));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, AuthSchemes.Bearer));
    }
}
