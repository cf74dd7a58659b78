using System.Security.Claims;
using System.Text.Encodings.Web;
using Granary.Grains.Organizations;
using Granary.Runtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Granary.WebApi.Auth;

/// <summary>
/// One <c>Authorization: Bearer …</c> header, two kinds of credential, one handler per request:
/// <list type="bullet">
/// <item><c>Bearer gk_…</c> is an organization's API key: its hash is looked up in the key index and, unless revoked,
/// the caller acts in that organization with the key's scopes (<see cref="CurrentUser.OrganizationClaim"/>,
/// <see cref="CurrentUser.ScopeClaim"/>).</item>
/// <item>anything else is a user's access token (JWT), validated by <see cref="AccessTokenValidator"/>.</item>
/// </list>
/// A refused credential answers 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokenValidator accessTokens,
    IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthSchemes.BearerToken(Request) is not { Length: > 0 } token)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateApiKeyAsync(token);
        }
        var (identity, error) = await accessTokens.ValidateAsync(token, Scheme.Name);
        return identity is null
            ? AuthenticateResult.Fail(error ?? "The access token is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = AuthSchemes.BearerToken(Request) is { Length: > 0 } ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Task.CompletedTask;
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
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
