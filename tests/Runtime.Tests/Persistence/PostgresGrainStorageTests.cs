using Granary.Runtime.Persistence;
using Granary.Runtime.Persistence.Postgres;
using Granary.Runtime.Tests.Infrastructure;
using Npgsql;

namespace Granary.Runtime.Tests.Persistence;

/// <summary>
/// The storage contract against the real PostgreSQL of scripts/services.sh (a missing server fails the tests),
/// plus PostgreSQL specifics. Tests share the database's default schema and stay apart by grain type; the
/// fresh-store test gets a schema of its own through the search path.
/// </summary>
public sealed class PostgresGrainStorageTests : GrainStorageContractTests
{
    private readonly List<string> _schemas = [];

    protected override string ExpectedKind => "postgres";

    protected override async Task<IGrainStorage> CreateStorageAsync()
    {
        await TestServices.RequirePostgresAsync();
        return Track(new PostgresGrainStorage(new PostgresStorageOptions { ConnectionString = TestServices.PostgresConnectionString }));
    }

    protected override async Task<IReadOnlyList<IGrainStorage>> CreateFreshStoragesAsync(int count)
    {
        await TestServices.RequirePostgresAsync();
        var schema = TestServices.UniqueName("gs");
        await ExecuteAsync($"CREATE SCHEMA {schema}");
        _schemas.Add(schema);
        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.PostgresConnectionString) { SearchPath = schema }.ToString();
        return Enumerable.Range(0, count)
            .Select(_ => (IGrainStorage)Track(new PostgresGrainStorage(new PostgresStorageOptions { ConnectionString = connectionString })))
            .ToList();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var schema in _schemas)
        {
            await ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Fact]
    public async Task Payload_IsQueryableWithJsonOperators()
    {
        var grain = NewGrainId();
        await Storage.WriteAsync(grain, "state", """{"Count":42,"Name":"rye"}""", null, CancellationToken.None);

        await using var dataSource = NpgsqlDataSource.Create(TestServices.PostgresConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT (payload->>'Count')::int, payload->>'Name', jsonb_typeof(payload) FROM granary_grain_state WHERE grain_type = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grain.Type });
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(42, reader.GetInt32(0));
        Assert.Equal("rye", reader.GetString(1));
        Assert.Equal("object", reader.GetString(2));
    }

    [Fact]
    public async Task Write_StoresVersionAsEtag()
    {
        var grain = NewGrainId();
        var first = await Storage.WriteAsync(grain, "state", "{}", null, CancellationToken.None);
        var second = await Storage.WriteAsync(grain, "state", "{}", first, CancellationToken.None);

        Assert.Equal(("1", "2"), (first, second));
    }

    [Fact]
    public async Task Initialize_WithoutConnectionString_FailsNamingTheOption()
    {
        var storage = Track(new PostgresGrainStorage(new PostgresStorageOptions()));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains("PostgresStorageOptions.ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_WithMalformedConnectionString_FailsNamingTheOption()
    {
        var storage = Track(new PostgresGrainStorage(new PostgresStorageOptions { ConnectionString = "Hots=nowhere;Password=secret" }));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains("PostgresStorageOptions.ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealth_WhenServerUnreachable_ReportsUnhealthyWithoutThrowing()
    {
        var storage = Track(new PostgresGrainStorage(new PostgresStorageOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Username=granary;Password=granary;Database=granary_test;Timeout=2",
        }));

        var health = await storage.CheckHealthAsync(CancellationToken.None);

        Assert.False(health.Healthy);
        Assert.Equal(("storage", "postgres"), (health.Component, health.Kind));
        Assert.False(string.IsNullOrEmpty(health.Detail));
    }

    [Fact]
    public async Task CheckHealth_WithoutConnectionString_ReportsUnhealthyWithoutThrowing()
    {
        var storage = Track(new PostgresGrainStorage(new PostgresStorageOptions()));

        var health = await storage.CheckHealthAsync(CancellationToken.None);

        Assert.False(health.Healthy);
        Assert.Contains("PostgresStorageOptions.ConnectionString", health.Detail, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServices.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
