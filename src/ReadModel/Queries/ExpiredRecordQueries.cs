using Granary.Grains.Scheduling;

namespace Granary.ReadModel;

/// <summary>
/// The clean-up sweep's questions, answered from the read model's record rows in grain key order (a sweep pages
/// with the last key). On memory storage nothing is found: those records go with the process.
/// </summary>
internal sealed class ExpiredRecordQueries(ReadModelDatabase database) : IExpiredRecords
{
    public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
        KeysAsync(ListSql.ExpiredRefreshFamilies, now, afterKey, limit, cancellationToken);

    private async Task<IReadOnlyList<string>> KeysAsync(string sql, DateTimeOffset cutoff, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        if (!database.Exists)
        {
            return [];
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, sql).Time("@cutoff", cutoff).Text("@after", afterKey).Int("@limit", limit);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }
}
