using Npgsql;

namespace Granary.Runtime.Tests.Infrastructure;

/// <summary>
/// Where the tests find the real Redis and PostgreSQL that scripts/services.sh starts. Tests that need them
/// call <see cref="RequirePostgresAsync"/> / <see cref="RequireRedisAsync"/>, which fail (never skip) with a
/// message naming the missing service.
/// </summary>
public static class TestServices
{
    /// <summary>PostgreSQL connection string: GRANARY_TEST_POSTGRES or the services.sh default.</summary>
    public static string PostgresConnectionString { get; } =
        Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test;Pooling=true;Maximum Pool Size=50";

    /// <summary>Redis configuration string: GRANARY_TEST_REDIS or the services.sh default.</summary>
    public static string RedisConfiguration { get; } =
        Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") ?? "127.0.0.1:56379";

    /// <summary>Fails with a clear message when PostgreSQL does not answer.</summary>
    public static async Task RequirePostgresAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(PostgresConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is required by this test and is not reachable at '{PostgresConnectionString}'. Start it with 'scripts/services.sh start'. ({ex.Message})", ex);
        }
    }

    /// <summary>Fails with a clear message when Redis does not answer.</summary>
    public static async Task RequireRedisAsync()
    {
        try
        {
            using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConfiguration + ",connectTimeout=2000,abortConnect=true");
            await connection.GetDatabase().PingAsync();
            // StackExchange.Redis 1.2.6 blocks for about a second in Dispose unless the connection is closed first.
            await connection.CloseAsync(allowCommandsToComplete: true);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Redis is required by this test and is not reachable at '{RedisConfiguration}'. Start it with 'scripts/services.sh start'. ({ex.Message})", ex);
        }
    }

    /// <summary>A unique name for a test's tables, keys or files, so tests don't see each other's data.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, prefix.Length + 33)];
}
