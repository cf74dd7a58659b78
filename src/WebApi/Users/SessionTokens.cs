using Granary.Grains.Users;
using Granary.WebApi.Auth;
using Microsoft.Extensions.Options;

namespace Granary.WebApi.Users;

/// <summary>Issues an access token with a refresh token: a new family at login, the next token of a family at refresh.</summary>
internal sealed class SessionTokens(IGrainFactory grains, TokenService tokens, IOptions<AuthOptions> options, TimeProvider time)
{
    public async Task<TokenResponse> StartAsync(UserProfile user)
    {
        var familyId = Guid.NewGuid().ToString("N");
        var refreshToken = SecretTokens.NewRefreshToken(familyId);
        await grains.GetGrain<IRefreshTokenFamilyGrain>(familyId).Start(user.Id, SecretTokens.Hash(refreshToken), RefreshExpiry);
        return Respond(user, refreshToken);
    }

    /// <summary>Rotates <paramref name="presented"/>; null when it isn't a current token (reuse revokes its family).</summary>
    public async Task<TokenResponse?> RotateAsync(string presented)
    {
        if (SecretTokens.RefreshTokenFamily(presented) is not { } familyId)
        {
            return null;
        }
        var next = SecretTokens.NewRefreshToken(familyId);
        var result = await grains.GetGrain<IRefreshTokenFamilyGrain>(familyId).Rotate(SecretTokens.Hash(presented), SecretTokens.Hash(next), RefreshExpiry);
        if (result.Status != RefreshStatus.Rotated || await grains.GetGrain<IUserGrain>(result.UserId!).GetProfile() is not { } user)
        {
            return null;
        }
        return Respond(user, next);
    }

    /// <summary>Revokes the family of <paramref name="presented"/> (any of its tokens, current or rotated).</summary>
    public async Task RevokeAsync(string presented)
    {
        if (SecretTokens.RefreshTokenFamily(presented) is { } familyId)
        {
            await grains.GetGrain<IRefreshTokenFamilyGrain>(familyId).Revoke(SecretTokens.Hash(presented));
        }
    }

    private DateTimeOffset RefreshExpiry => time.GetUtcNow() + options.Value.RefreshTokenLifetime;

    private TokenResponse Respond(UserProfile user, string refreshToken)
    {
        var access = tokens.Issue(user.Id, user.Email);
        return new TokenResponse(access.Token, access.ExpiresAt, refreshToken);
    }
}
