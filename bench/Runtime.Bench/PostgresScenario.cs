using System.Diagnostics;
using Granary.Runtime.Persistence;
using Granary.Runtime.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Granary.Bench;

/// <summary>
/// Grain state writes (IPersistentState.WriteStateAsync on PostgreSQL storage) against the same writes done with plain
/// Npgsql, in the same run, database and process, at the same concurrency: each writer owns one grain (one row) and
/// writes sequentially. The two sides run in alternating rounds (state, plain, plain, state) so drift in the
/// database (checkpoints, autovacuum, WAL) weighs on both alike.
/// </summary>
public static class PostgresScenario
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test";

    private const int Writers = 16;
    private const int MaxWritesPerRound = Writers * 50_000;
    private const string StateName = "bench";
    private const string PlainGrainType = "bench-plain";

    // The provider's own compare-and-set statement (PostgresGrainStorage.UpdateSql), so both sides run the same SQL.
    private const string UpdateSql =
        "UPDATE granary_grain_state SET payload = $4, version = version + 1, updated_at = now() WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $5";

    private const string SeedSql =
        "INSERT INTO granary_grain_state (grain_type, grain_key, state_name, payload, version) VALUES ($1, $2, $3, $4, 1) " +
        "ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE SET payload = EXCLUDED.payload RETURNING version";

    private static readonly TimeSpan FirstWarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NextWarmUp = TimeSpan.FromSeconds(0.3);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(Report report)
    {
        var connectionString = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES") is { Length: > 0 } cs ? cs : DefaultConnectionString;
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        Console.WriteLine($"pg: starting a silo with PostgreSQL storage ({settings.Host}:{settings.Port}/{settings.Database}) ...");

        // The silo's start creates granary_grain_state, which the plain side needs.
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = TestStorage.Postgres(connectionString) });
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var grains = Enumerable.Range(0, Writers).Select(i => cluster.GrainFactory.GetGrain<IStateWriterGrain>($"w{i}")).ToArray();
        var rows = await SeedPlainRowsAsync(dataSource);
        var sequences = new int[Writers];

        Console.WriteLine($"pg: {Writers} writers per side, rounds of {Round.TotalSeconds:0} s: state, plain, plain, state ...");
        var state1 = await RunStateAsync(grains, sequences, FirstWarmUp);
        var plain1 = await RunPlainAsync(dataSource, rows, FirstWarmUp);
        var plain2 = await RunPlainAsync(dataSource, rows, NextWarmUp);
        var state2 = await RunStateAsync(grains, sequences, NextWarmUp);

        var state = Combine(state1, state2);
        var plain = Combine(plain1, plain2);
        var payloadBytes = GrainStateSerializer.Serialize(BenchPayload.Create(int.MaxValue)).Length;
        var ratio = state.Latency.MeanMicroseconds / plain.Latency.MeanMicroseconds;

        report.Add("pg state writes (WriteStateAsync): throughput", "pg_state_writes_per_s", state.PerSecond, "writes/s", $"{state.Describe(Writers, "writes", "writer")}, ~{payloadBytes} B JSON");
        report.Add("pg state writes: mean latency", "pg_state_write_mean_ms", state.Latency.MeanMicroseconds / 1000, "ms", "grain call incl. WriteStateAsync");
        report.Add("pg state writes: p50 latency", "pg_state_write_p50_ms", state.Latency.PercentileMicroseconds(0.50) / 1000, "ms");
        report.Add("pg state writes: p99 latency", "pg_state_write_p99_ms", state.Latency.PercentileMicroseconds(0.99) / 1000, "ms");
        report.Add("pg plain Npgsql writes: throughput", "pg_plain_writes_per_s", plain.PerSecond, "writes/s", $"{plain.Describe(Writers, "writes", "writer")}, same UPDATE and payload");
        report.Add("pg plain Npgsql writes: mean latency", "pg_plain_write_mean_ms", plain.Latency.MeanMicroseconds / 1000, "ms");
        report.Add("pg plain Npgsql writes: p50 latency", "pg_plain_write_p50_ms", plain.Latency.PercentileMicroseconds(0.50) / 1000, "ms");
        report.Add("pg plain Npgsql writes: p99 latency", "pg_plain_write_p99_ms", plain.Latency.PercentileMicroseconds(0.99) / 1000, "ms");
        report.Add("pg state mean / plain mean", "pg_write_ratio", ratio, "ratio", "target <= 1.5");
    }

    private static RunResult Combine(RunResult a, RunResult b) =>
        new(a.Calls + b.Calls, a.Elapsed + b.Elapsed, LatencySummary.Merge(a.Latency, b.Latency), a.EndedByCount || b.EndedByCount);

    private static Task<RunResult> RunStateAsync(IStateWriterGrain[] grains, int[] sequences, TimeSpan warmUp) =>
        ClosedLoop.RunAsync(Writers, MaxWritesPerRound, warmUp, Round, async (writer, window, log) =>
        {
            var grain = grains[writer];
            while (window.IsRunning)
            {
                var sequence = ++sequences[writer];
                var start = Stopwatch.GetTimestamp();
                await grain.Write(sequence);
                window.Record(log, Stopwatch.GetTimestamp() - start);
            }
        });

    private static Task<RunResult> RunPlainAsync(NpgsqlDataSource dataSource, PlainRow[] rows, TimeSpan warmUp) =>
        ClosedLoop.RunAsync(Writers, MaxWritesPerRound, warmUp, Round, async (writer, window, log) =>
        {
            var row = rows[writer];
            while (window.IsRunning)
            {
                var start = Stopwatch.GetTimestamp();
                await WritePlainAsync(dataSource, row);
                window.Record(log, Stopwatch.GetTimestamp() - start);
            }
        });

    /// <summary>What the storage provider does for one write, minus the runtime: serialize, compare-and-set on the version.</summary>
    private static async Task WritePlainAsync(NpgsqlDataSource dataSource, PlainRow row)
    {
        var json = GrainStateSerializer.Serialize(BenchPayload.Create(++row.Sequence));
        await using var command = dataSource.CreateCommand(UpdateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PlainGrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StateName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.Version });
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Plain write of {PlainGrainType}/{row.Key} found another version than {row.Version}.");
        }
        row.Version++;
    }

    /// <summary>Creates (or takes over) the plain side's rows and learns their versions.</summary>
    private static async Task<PlainRow[]> SeedPlainRowsAsync(NpgsqlDataSource dataSource)
    {
        var rows = new PlainRow[Writers];
        for (var i = 0; i < Writers; i++)
        {
            var key = $"w{i}";
            await using var command = dataSource.CreateCommand(SeedSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PlainGrainType });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StateName });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = GrainStateSerializer.Serialize(BenchPayload.Create(0)), NpgsqlDbType = NpgsqlDbType.Jsonb });
            var version = (long)(await command.ExecuteScalarAsync())!;
            rows[i] = new PlainRow(key) { Version = version };
        }
        return rows;
    }

    private sealed class PlainRow(string key)
    {
        public string Key { get; } = key;

        public long Version { get; set; }

        public int Sequence { get; set; }
    }
}
