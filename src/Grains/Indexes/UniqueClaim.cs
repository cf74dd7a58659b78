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

    public static bool MayBeOrphaned(DateTimeOffset claimedAt, DateTimeOffset now) => now - claimedAt > Grace;
}
