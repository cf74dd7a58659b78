namespace Granary.Grains.Users;

/// <summary>
/// The refresh tokens of one login (a family), keyed by the family id. Only SHA-256 hashes of tokens are stored.
/// Each refresh rotates the current token; presenting a token that was already rotated means it leaked, so the
/// whole family is revoked.
/// </summary>
[Alias("granary.IRefreshTokenFamilyGrain")]
public interface IRefreshTokenFamilyGrain : IGrainWithStringKey
{
    /// <summary>Starts the family with its first token.</summary>
    Task Start(string userId, string tokenHash, DateTimeOffset expiresAt);

    /// <summary>Replaces the current token <paramref name="presentedHash"/> with <paramref name="nextHash"/>.</summary>
    Task<RefreshResult> Rotate(string presentedHash, string nextHash, DateTimeOffset nextExpiresAt);

    /// <summary>Revokes the family when <paramref name="presentedHash"/> is one of its tokens (logout); true when it was.</summary>
    Task<bool> Revoke(string presentedHash);

    /// <summary>Deletes the family when it is revoked or expired at <paramref name="now"/>: its tokens are unknown from then on. A live family stays.</summary>
    Task Forget(DateTimeOffset now);
}

/// <summary>The outcome of a refresh; <see cref="UserId"/> is set only when <see cref="Status"/> is Rotated.</summary>
[GenerateSerializer, Immutable, Alias("granary.RefreshResult")]
public sealed record RefreshResult(RefreshStatus Status, string? UserId = null);

public enum RefreshStatus
{
    /// <summary>The presented token was current; the next one replaces it.</summary>
    Rotated,

    /// <summary>Not a token of this family.</summary>
    Unknown,

    /// <summary>The current token expired.</summary>
    Expired,

    /// <summary>An already rotated token was presented: the family is now revoked.</summary>
    ReuseDetected,

    /// <summary>The family was revoked before (logout or reuse).</summary>
    Revoked,
}
