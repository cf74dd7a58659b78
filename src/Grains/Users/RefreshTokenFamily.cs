namespace Granary.Grains.Users;

/// <summary>
/// The rules of one refresh-token family, without a silo. Tokens are known by their hashes only.
/// <code>
///   current ──rotate──▶ used (+ next becomes current)
///   used presented ──▶ family revoked (reuse: the token leaked)
///   logout ──▶ family revoked
/// </code>
/// </summary>
[GenerateSerializer, Alias("granary.state.RefreshTokenFamily")]
public sealed class RefreshTokenFamily
{
    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    [Id(0)]
    public long Revision { get; set; }

    [Id(1)]
    public string UserId { get; set; } = "";

    [Id(2)]
    public string CurrentHash { get; set; } = "";

    [Id(3)]
    public DateTimeOffset CurrentExpiresAt { get; set; }

    [Id(4)]
    public List<string> UsedHashes { get; set; } = [];

    [Id(5)]
    public bool Revoked { get; set; }

    public RefreshResult Rotate(string presentedHash, string nextHash, DateTimeOffset nextExpiresAt, DateTimeOffset now)
    {
        if (UsedHashes.Contains(presentedHash))
        {
            var wasRevoked = Revoked;
            Revoked = true;
            return new RefreshResult(wasRevoked ? RefreshStatus.Revoked : RefreshStatus.ReuseDetected);
        }
        if (presentedHash != CurrentHash || CurrentHash.Length == 0)
        {
            return new RefreshResult(RefreshStatus.Unknown);
        }
        if (Revoked)
        {
            return new RefreshResult(RefreshStatus.Revoked);
        }
        if (now >= CurrentExpiresAt)
        {
            return new RefreshResult(RefreshStatus.Expired);
        }
        UsedHashes.Add(CurrentHash);
        CurrentHash = nextHash;
        CurrentExpiresAt = nextExpiresAt;
        return new RefreshResult(RefreshStatus.Rotated, UserId);
    }

    public bool Revoke(string presentedHash)
    {
        if (presentedHash.Length == 0 || (presentedHash != CurrentHash && !UsedHashes.Contains(presentedHash)))
        {
            return false;
        }
        Revoked = true;
        return true;
    }
}
