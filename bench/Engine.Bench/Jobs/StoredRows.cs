using Npgsql;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// What the measured deliveries left in PostgreSQL: grain state rows (Orleans's storage table, state "delivery") and
/// delivery-list rows of the read model. Each Start that returned has written both.
/// </summary>
internal sealed record StoredRows(long State, long List)
{
    // The storage key is "webhookdelivery/{organization}/{delivery id}", the list's grain key "{organization}/{delivery id}".
    private const string StateSql =
        "SELECT count(*) FROM granary_grain_storage WHERE state_name = 'delivery' AND strpos(grain_id_string, $1) > 0";

    private const string ListSql = "SELECT count(*) FROM granary_webhook_delivery_list WHERE strpos(grain_key, $1) > 0";

    /// <summary>Counts the rows of the deliveries of <paramref name="organizationId"/> whose id starts with <paramref name="idPrefix"/>.</summary>
    public static async Task<StoredRows> CountAsync(string connectionString, string organizationId, string idPrefix)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var key = $"{organizationId}/{idPrefix}";
        return new StoredRows(await CountAsync(dataSource, StateSql, key), await CountAsync(dataSource, ListSql, key));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, string key)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
