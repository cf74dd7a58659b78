using Granary.Grains.Scheduling;
using Microsoft.Data.Sqlite;

namespace Granary.WebApi.Queries;

/// <summary>
/// Expired records from the SQLite state file. Times are compared as the text the runtime stores (UTC, ISO 8601),
/// which sorts in time order, like the order list's created range.
/// </summary>
internal sealed class SqliteExpiredRecords(string connectionString) : IExpiredRecords
{
    private static readonly ExpiredRecordsSql Sql = new(
        p => "$" + p,
        (field, parameter) => $"json_extract(payload, '$.{field}') < {parameter}",
        field => $"coalesce(json_extract(payload, '$.{field}'), 0) = 1");

    private readonly string _connectionString = connectionString;

    public Task<IReadOnlyList<string>> IdempotencyKeysAsync(DateTimeOffset createdBefore, string? afterKey, int limit, CancellationToken cancellationToken) =>
        KeysAsync(Sql.Idempotency, createdBefore, afterKey, limit, cancellationToken);

    public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
        KeysAsync(Sql.RefreshFamilies, now, afterKey, limit, cancellationToken);

    private async Task<IReadOnlyList<string>> KeysAsync(string sql, DateTimeOffset cutoff, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$cutoff", StateRows.TimeText(cutoff));
        command.Parameters.AddWithValue("$after", (object?)afterKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }
}
