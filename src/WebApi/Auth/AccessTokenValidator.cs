using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Granary.WebApi.Auth;

/// <summary>
/// Validates access tokens (signature, issuer, audience, lifetime) once per silo and remembers each valid one until
/// it expires, at most five minutes: the signature check is the largest fixed cost of an authenticated request, and
/// clients send the same token many times. Only successful validations are kept. Requests with the same token share
/// one identity, which nothing in the silo modifies (there is no claims transformation); the silo has one signing
/// key, so entries don't depend on anything but the token.
/// </summary>
internal sealed class AccessTokenValidator(TokenService tokens, TimeProvider time)
{
    private const int MaxEntries = 50_000;
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);
    private TokenValidationParameters? _parameters;

    /// <summary>The token's identity, or the reason it is refused.</summary>
    public async ValueTask<(ClaimsIdentity? Identity, string? Error)> ValidateAsync(string token, string authenticationType)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var hit))
        {
            if (hit.ValidUntil > now)
            {
                return (hit.Identity, null);
            }
            _validated.TryRemove(token, out _);
        }

        var parameters = _parameters ??= tokens.ValidationParameters();
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not { } securityToken)
        {
            return (null, result.Exception is SecurityTokenExpiredException ? "The access token has expired." : "The access token is not valid.");
        }
        if (_validated.Count >= MaxEntries)
        {
            _validated.Clear();
        }
        var identity = new ClaimsIdentity(result.ClaimsIdentity.Claims, authenticationType, JwtRegisteredClaimNames.Sub, parameters.RoleClaimType);
        var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
        _validated[token] = new Entry(identity, expires < now + MaxAge ? expires : now + MaxAge);
        return (identity, null);
    }

    private sealed record Entry(ClaimsIdentity Identity, DateTimeOffset ValidUntil);
}
