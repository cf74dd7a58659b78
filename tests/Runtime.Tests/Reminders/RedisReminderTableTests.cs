using System.Text.Json;
using Granary.Runtime.Reminders;
using Granary.Runtime.Reminders.Redis;
using Granary.Runtime.Tests.Infrastructure;
using StackExchange.Redis;

namespace Granary.Runtime.Tests.Reminders;

/// <summary>
/// The reminder table contract against the real Redis of scripts/services.sh (a missing Redis fails the tests).
/// Each test has its own key prefix and deletes its keys afterwards.
/// </summary>
public sealed class RedisReminderTableTests : ReminderTableContractTests
{
    // Checked once per run: the check's connection takes a second to dispose (StackExchange.Redis 1.2.6).
    private static readonly Lazy<Task> RedisAnswers = new(TestServices.RequireRedisAsync);
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N");

    protected override async Task<IReminderTable> CreateTableAsync()
    {
        await RedisAnswers.Value;
        return new RedisReminderTable(new RedisReminderOptions { Configuration = TestServices.RedisConfiguration, KeyPrefix = _prefix });
    }

    protected override async Task CleanUpAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConfiguration);
        try
        {
            // A script rather than IServer.Keys: 1.2.6 pages SCAN synchronously, which times out under a busy test run.
            await connection.GetDatabase().ScriptEvaluateAsync(
                "for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) end",
                [],
                [_prefix + ":*"]);
        }
        finally
        {
            await CloseAsync(connection);
        }
    }

    [Fact]
    public async Task Upsert_WritesTheDocumentedKeyLayout()
    {
        await Table.UpsertAsync(Entry("a", "tick", 5, T0, TimeSpan.FromSeconds(90)), CancellationToken.None);

        var connection = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConfiguration);
        var database = connection.GetDatabase();
        var score = await database.SortedSetScoreAsync($"{_prefix}:reminders:due:5", "counter/a\ntick");
        var json = await database.HashGetAsync($"{_prefix}:reminders:grain:counter/a", "tick");
        await CloseAsync(connection);

        Assert.Equal(T0.ToUnixTimeMilliseconds(), (long?)score);
        using var document = JsonDocument.Parse((string)json!);
        Assert.Equal(5, document.RootElement.GetProperty("bucket").GetInt32());
        Assert.Equal(T0.ToUnixTimeMilliseconds(), document.RootElement.GetProperty("due").GetInt64());
        Assert.Equal(90_000, document.RootElement.GetProperty("period").GetInt64());
        Assert.Equal(0, document.RootElement.GetProperty("attempt").GetInt32());
        Assert.Equal(1, document.RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task CheckHealth_OfATableThatCannotReachRedisReportsUnhealthyWithoutThrowing()
    {
        var unreachable = new RedisReminderTable(new RedisReminderOptions { Configuration = "127.0.0.1:1", KeyPrefix = _prefix });

        var health = await unreachable.CheckHealthAsync(CancellationToken.None);

        Assert.Equal(new ProviderHealth("reminders", "redis", false, health.Detail), health);
        Assert.False(string.IsNullOrEmpty(health.Detail));
    }

    // StackExchange.Redis 1.2.6's Dispose alone blocks about a second; closing first returns at once.
    private static async Task CloseAsync(ConnectionMultiplexer connection)
    {
        await connection.CloseAsync(allowCommandsToComplete: true);
        connection.Dispose();
    }
}
