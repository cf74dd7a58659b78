using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Granary.WebApi.Auth;

/// <summary>
/// Validates access tokens once per silo and remembers the result until the token expires (at most five minutes):
/// signature checks are the largest fixed cost of an authenticated request, and clients send the same token many
/// times. Only successful validations are kept; each hit hands out a copy of the identity. The silo has one set of
/// validation parameters (its signing key), so entries don't depend on them.
/// </summary>
internal sealed class CachingTokenHandler(TimeProvider time) : TokenHandler
{
    private const int MaxEntries = 50_000;
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var hit))
        {
            if (hit.ValidUntil > now)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = hit.Identity.Clone(),
                    SecurityToken = hit.SecurityToken,
                    Issuer = hit.Issuer,
                };
            }
            _validated.TryRemove(token, out _);
        }

        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } securityToken)
        {
            if (_validated.Count >= MaxEntries)
            {
                _validated.Clear();
            }
            var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
            var validUntil = expires < now + MaxAge ? expires : now + MaxAge;
            _validated[token] = new Entry(result.ClaimsIdentity.Clone(), securityToken, result.Issuer, validUntil);
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    private sealed record Entry(ClaimsIdentity Identity, SecurityToken SecurityToken, string Issuer, DateTimeOffset ValidUntil);
}
