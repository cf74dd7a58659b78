using Granary.Grains.Scheduling;
using Npgsql;
using NpgsqlTypes;

namespace Granary.WebApi.Queries;

/// <summary>Expired records from PostgreSQL (jsonb payload; times compared as timestamptz).</summary>
internal sealed class PostgresExpiredRecords(NpgsqlDataSource dataSource) : IExpiredRecords
{
    private static readonly ExpiredRecordsSql Sql = new(
        p => "@" + p,
        (field, parameter) => $"(payload->>'{field}')::timestamptz < {parameter}",
        field => $"coalesce((payload->>'{field}')::boolean, false)");

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public Task<IReadOnlyList<string>> IdempotencyKeysAsync(DateTimeOffset createdBefore, string? afterKey, int limit, CancellationToken cancellationToken) =>
        KeysAsync(Sql.Idempotency, createdBefore, afterKey, limit, cancellationToken);

    public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
        KeysAsync(Sql.RefreshFamilies, now, afterKey, limit, cancellationToken);


    private async Task<IReadOnlyList<string>> KeysAsync(string sql, DateTimeOffset cutoff, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = cutoff.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Text) { Value = (object?)afterKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }
}
