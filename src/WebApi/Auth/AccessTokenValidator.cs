using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Granary.WebApi.Auth;

/// <summary>
/// Validates access tokens (signature, issuer, audience, lifetime) once per silo and remembers each valid one until
/// it expires, at most five minutes: the signature check is the largest fixed cost of an authenticated request, and
/// clients send the same token many times. Only successful validations are kept. Requests with the same token share
/// one <see cref="CallerPrincipal"/>, which nothing in the silo modifies (there is no claims transformation); the
/// silo has one signing key, so entries don't depend on anything but the token.
/// </summary>
internal sealed class AccessTokenValidator
{
    private const int MaxEntries = 50_000;
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly TokenService _tokens;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _validatedBySpan;
    private TokenValidationParameters? _parameters;

    public AccessTokenValidator(TokenService tokens, TimeProvider time)
    {
        _tokens = tokens;
        _time = time;
        _validatedBySpan = _validated.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The caller of a token validated earlier and still within its cache time, found without allocating.</summary>
    public bool TryGetValidated(ReadOnlySpan<char> token, [NotNullWhen(true)] out CallerPrincipal? caller)
    {
        if (_validatedBySpan.TryGetValue(token, out var hit) && hit.ValidUntil > _time.GetUtcNow())
        {
            caller = hit.Caller;
            return true;
        }
        caller = null;
        return false;
    }

    /// <summary>The token's caller, or the reason it is refused.</summary>
    public async ValueTask<(CallerPrincipal? Caller, string? Error)> ValidateAsync(string token)
    {
        if (TryGetValidated(token, out var cached))
        {
            return (cached, null);
        }
        _validated.TryRemove(token, out _);

        var parameters = _parameters ??= _tokens.ValidationParameters();
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not { } securityToken)
        {
            return (null, result.Exception is SecurityTokenExpiredException ? "The access token has expired." : "The access token is not valid.");
        }
        if (_validated.Count >= MaxEntries)
        {
            _validated.Clear();
        }
        var identity = new ClaimsIdentity(result.ClaimsIdentity.Claims, AuthSchemes.Bearer, JwtRegisteredClaimNames.Sub, parameters.RoleClaimType);
        if (string.IsNullOrEmpty(identity.Name))
        {
            return (null, "The access token names no user.");
        }
        var caller = CallerPrincipal.ForUser(identity);
        var now = _time.GetUtcNow();
        var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
        _validated[token] = new Entry(caller, expires < now + MaxAge ? expires : now + MaxAge);
        return (caller, null);
    }

    private sealed record Entry(CallerPrincipal Caller, DateTimeOffset ValidUntil);
}
