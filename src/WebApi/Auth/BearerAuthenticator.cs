using Granary.Grains.Organizations;

namespace Granary.WebApi.Auth;

/// <summary>
/// Turns the credential of an <c>Authorization: Bearer …</c> header into a <see cref="CallerPrincipal"/>:
/// <list type="bullet">
/// <item><c>gk_…</c> is an organization's API key: its hash is looked up in the key index on every request (a revoked
/// key stops working at once) and, unless revoked, the caller acts in that organization with the key's scopes.</item>
/// <item>anything else is a user's access token (JWT), validated by <see cref="AccessTokenValidator"/>, which
/// remembers valid tokens: a token seen before is recognised without allocating.</item>
/// </list>
/// One per silo, used by <see cref="BearerAuthenticationMiddleware"/> for every request.
/// </summary>
internal sealed class BearerAuthenticator(AccessTokenValidator accessTokens, IGrainFactory grains)
{
    /// <summary>The caller of an access token validated earlier; false for API keys and unknown tokens.</summary>
    public bool TryGetKnown(ReadOnlySpan<char> token, out CallerPrincipal? caller)
    {
        caller = null;
        return !IsApiKey(token) && accessTokens.TryGetValidated(token, out caller);
    }

    /// <summary>The caller, or why the credential is refused.</summary>
    public async ValueTask<(CallerPrincipal? Caller, string? Error)> AuthenticateAsync(string token)
    {
        if (!IsApiKey(token))
        {
            return await accessTokens.ValidateAsync(token);
        }
        var grant = await grains.GetGrain<IApiKeyIndexGrain>(SecretTokens.Hash(token)).Get();
        return grant is null || grant.Revoked
            ? (null, "The API key is not valid.")
            : (CallerPrincipal.ForApiKey(grant.OrganizationId, grant.KeyId, grant.Scopes, AuthSchemes.Bearer), null);
    }

    private static bool IsApiKey(ReadOnlySpan<char> token) => token.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal);
}
