using Npgsql;

namespace Granary.Engine.Bench.Hosting;

/// <summary>
/// A PostgreSQL database of the run's own (<c>granary_bench_…</c>), created on the server of
/// <c>GRANARY_TEST_POSTGRES</c> (default: the local services' granary_test) and dropped when disposed, so the bench
/// neither sees nor leaves rows of anyone else.
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Database=granary_test;Username=granary;Password=granary";
    private readonly string _adminConnectionString;

    private ScratchDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES") is { Length: > 0 } cs ? cs : DefaultConnectionString;
        var name = $"granary_bench_{Guid.NewGuid():N}"[..26];
        await using (var connection = new NpgsqlConnection(admin))
        {
            try
            {
                await connection.OpenAsync();
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL does not answer at '{new NpgsqlConnectionStringBuilder(admin) { Password = null }}' (bench/run.sh starts it with scripts/services.sh): {ex.Message}", ex);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var scratch = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new ScratchDatabase(admin, name, scratch);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            // FORCE ends connections a pool may still hold (PostgreSQL 13+).
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync($"bench: could not drop scratch database {Name}: {ex.Message}");
        }
    }
}
