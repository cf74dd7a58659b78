using System.Data.Common;
using Granary.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Granary.Hosting;

/// <summary>A round trip (<c>SELECT 1</c>) to the grain storage's database, on the same connection pool as the provider.</summary>
internal sealed class StorageHealthCheck(Func<DbConnection> connect, string location) : IHealthCheck
{
    public static StorageHealthCheck For(GranaryProfile profile) => profile.Storage switch
    {
        StorageProviderKind.Postgres => new(() => new NpgsqlConnection(profile.PostgresConnectionString), PostgresLocation(profile.PostgresConnectionString)),
        _ => new(() => new SqliteConnection(SqliteDatabase.ConnectionString(profile.StorageSqlitePath)), profile.StorageSqlitePath),
    };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = connect();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(location);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{location}: {ex.Message}", ex);
        }
    }

    // Host, port and database only: the connection string also holds the password.
    private static string PostgresLocation(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
