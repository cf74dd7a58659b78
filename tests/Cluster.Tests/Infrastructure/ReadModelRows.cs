using Npgsql;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// The read model's rows of one organization (src/ReadModel's tables, shared by every ServiceId): what the list
/// endpoints read, and what a test removes when it ends.
/// </summary>
internal static class ReadModelRows
{
    private static readonly string[] OrganizationTables = ["granary_order_list", "granary_stock_list", "granary_webhook_delivery_list", "granary_email_job_list"];

    /// <summary>Grain keys ("{org}/{order}") of the orders listed for <paramref name="organizationId"/>.</summary>
    public static async Task<HashSet<string>> OrderKeysAsync(string organizationId)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT grain_key FROM granary_order_list WHERE organization_id = $1", connection);
        select.Parameters.AddWithValue(organizationId);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    /// <summary>Deletes the organization's list rows.</summary>
    public static async Task DeleteOrganizationAsync(string organizationId)
    {
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        foreach (var table in OrganizationTables)
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE organization_id = $1", connection);
            delete.Parameters.AddWithValue(organizationId);
            await delete.ExecuteNonQueryAsync();
        }
    }
}
