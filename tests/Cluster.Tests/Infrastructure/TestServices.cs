using Npgsql;
using StackExchange.Redis;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// The real Redis and PostgreSQL that scripts/services.sh starts on loopback. A test that needs them fails (never
/// skips) with a message naming the missing service.
/// </summary>
internal static class TestServices
{
    /// <summary>Npgsql connection string: GRANARY_TEST_POSTGRES or the services.sh default.</summary>
    public static string Postgres { get; } =
        Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test";

    /// <summary>StackExchange.Redis configuration string: GRANARY_TEST_REDIS or the services.sh default.</summary>
    public static string Redis { get; } = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") ?? "127.0.0.1:56379";

    /// <summary><see cref="Redis"/> as the redis:// URI redis-cli takes (for the scripts under test); it must be plain host:port.</summary>
    public static string RedisUrl =>
        Redis.Contains(',', StringComparison.Ordinal)
            ? throw new InvalidOperationException($"GRANARY_TEST_REDIS='{Redis}' has options; the script tests need plain host:port for redis-cli.")
            : "redis://" + Redis;

    public static async Task RequireBothAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres);
            await connection.OpenAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is required by the cluster tests and is not reachable at '{Postgres}'. Start it with 'scripts/services.sh start'. ({ex.Message})", ex);
        }
        try
        {
            using var redis = await ConnectionMultiplexer.ConnectAsync(Redis + ",connectTimeout=2000,abortConnect=true");
            await redis.GetDatabase().PingAsync();
            await redis.CloseAsync(allowCommandsToComplete: true);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Redis is required by the cluster tests and is not reachable at '{Redis}'. Start it with 'scripts/services.sh start'. ({ex.Message})", ex);
        }
    }
}
