using Granary.Grains.Scheduling;

namespace Granary.ReadModel;

/// <summary>
/// The clean-up sweep's questions, answered from the read model's record rows in grain key order (a sweep pages
/// with the last key). On memory storage nothing is found: those records go with the process.
/// </summary>
internal sealed class ExpiredRecordQueries(ReadModelDatabase database) : IExpiredRecords
{
    public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
        database.ReadKeysAsync(ListSql.ExpiredRefreshFamilies, command => command.Time("@cutoff", now).Text("@after", afterKey).Int("@limit", limit), cancellationToken);
}
