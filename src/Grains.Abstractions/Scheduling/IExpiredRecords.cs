namespace Granary.Grains.Scheduling;

/// <summary>
/// Finds the keys of expired records in grain storage (read with SQL, never by activating grains). Keys come in grain
/// key order; <c>afterKey</c> continues from the previous batch. Implemented by the API's query layer for SQLite and
/// PostgreSQL; with memory storage there is nothing to query and the answer is always empty.
/// </summary>
public interface IExpiredRecords
{
    /// <summary>Keys of <c>IRefreshTokenFamilyGrain</c> families that are revoked or whose current token expired before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken);
}
