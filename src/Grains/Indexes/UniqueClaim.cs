namespace Granary.Grains.Indexes;

/// <summary>
/// The rule of the uniqueness index grains (emails, slugs): a claim is made before the entity it names is created,
/// so a claim whose entity still doesn't exist after <see cref="Grace"/> is an orphan (the creation failed or the silo
/// stopped in between) and the next claimant may take it over.
/// </summary>
internal static class UniqueClaim
{
    /// <summary>Longer than any creation takes; shorter than anyone waits to retry a failed sign-up.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private static bool MayBeOrphaned(DateTimeOffset claimedAt, DateTimeOffset now) => now - claimedAt > Grace;

    /// <summary>
    /// What a claim by <paramref name="claimant"/> does to a key held by <paramref name="owner"/> (null: nobody) since
    /// <paramref name="claimedAt"/>: nothing when the claimant holds it already; take it when nobody does or the
    /// holder's claim is an orphan (older than <see cref="Grace"/>, and <paramref name="ownerExists"/> says its entity
    /// doesn't exist); otherwise refuse.
    /// </summary>
    public static async Task<ClaimDecision> DecideAsync(
        string? owner, DateTimeOffset claimedAt, string claimant, DateTimeOffset now, Func<string, Task<bool>> ownerExists)
    {
        if (owner is null)
        {
            return ClaimDecision.Take;
        }
        if (owner == claimant)
        {
            return ClaimDecision.AlreadyHeld;
        }
        return MayBeOrphaned(claimedAt, now) && !await ownerExists(owner) ? ClaimDecision.Take : ClaimDecision.Refuse;
    }
}

/// <summary>The outcome of <see cref="UniqueClaim.DecideAsync"/>.</summary>
internal enum ClaimDecision
{
    AlreadyHeld,
    Take,
    Refuse,
}
