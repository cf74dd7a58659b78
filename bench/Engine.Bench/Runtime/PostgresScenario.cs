using System.Diagnostics;
using Granary.Engine.Bench.Grains;
using Granary.Engine.Bench.Hosting;
using Granary.Engine.Bench.Measurement;
using Granary.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;

namespace Granary.Engine.Bench.Runtime;

/// <summary>
/// <c>pg_write_ratio</c> as the home-made runtime's bench defined it: the mean latency of a grain call that sets its
/// state and awaits <c>WriteStateAsync</c> (Orleans's ADO.NET storage on Granary's schema, through
/// <see cref="PersistenceSiloBuilderExtensions.AddGranaryGrainStorage"/>), over the mean latency of a plain Npgsql
/// UPDATE of a row of the same size in the same table (serialize with the same Orleans serializer, compare-and-set
/// on the version). 16 writers per side, each on its own grain / row, one write after another; the sides alternate
/// in rounds (S P P S S P) so drift in the database weighs on both. A scratch database of the run's own.
/// </summary>
internal static class PostgresScenario
{
    private const int Writers = 16;
    private const string StateName = "bench";
    private const string PlainServiceId = "granary-bench-plain";
    private static readonly TimeSpan FirstWarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.3);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(3);

    private const string SeedSql =
        "INSERT INTO granary_grain_storage (service_id, state_name_hash, state_name, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_string, payload, version, modified_at) " +
        "VALUES ($1, $2, $3, $2, 0, 0, $4, $5, 1, now())";

    // The provider's UPDATE branch (Granary's WriteToStorageKey), without the insert branch a first write needs.
    private const string UpdateSql =
        "UPDATE granary_grain_storage SET payload = $1, version = version + 1, modified_at = now() " +
        "WHERE grain_id_hash = $2 AND state_name_hash = $2 AND service_id = $3 AND grain_id_n0 = 0 AND grain_id_n1 = 0 " +
        "AND state_name = $4 AND grain_id_string IS NOT DISTINCT FROM $5 AND version = $6 RETURNING version";

    public static async Task RunAsync(Report report)
    {
        await using var database = await ScratchDatabase.CreateAsync();
        Console.WriteLine($"pg: starting a silo with Granary's PostgreSQL grain storage in scratch database {database.Name} ...");
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        await using var silo = await BenchSilo.StartAsync(s => s
            .UseLocalhostClustering(siloPort, gatewayPort, serviceId: "granary-bench", clusterId: "bench-pg")
            .AddGranaryGrainStorage(StateWriterGrain.StorageName, StorageDialect.Postgres, database.ConnectionString));
        var serializer = silo.Services.GetRequiredService<Serializer>();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        var grains = Enumerable.Range(0, Writers).Select(i => silo.GrainFactory.GetGrain<IStateWriterGrain>($"w{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.Write(0)));
        var rows = await SeedPlainRowsAsync(dataSource, serializer);
        var sequences = new int[Writers];

        Console.WriteLine($"pg: {Writers} writers per side, rounds of {Round.TotalSeconds:0} s: state, plain, plain, state, state, plain ...");
        var state = new RoundsResult();
        var plain = new RoundsResult();
        state.Add(await RunStateAsync(grains, sequences, FirstWarmUp));
        plain.Add(await RunPlainAsync(dataSource, serializer, rows, FirstWarmUp));
        plain.Add(await RunPlainAsync(dataSource, serializer, rows, WarmUp));
        state.Add(await RunStateAsync(grains, sequences, WarmUp));
        state.Add(await RunStateAsync(grains, sequences, WarmUp));
        plain.Add(await RunPlainAsync(dataSource, serializer, rows, WarmUp));

        var stateLatency = LatencySummary.Merge(state.Rounds.Select(r => r.Latency));
        var plainLatency = LatencySummary.Merge(plain.Rounds.Select(r => r.Latency));
        var (statePayload, plainPayload) = await PayloadSizesAsync(dataSource);
        const string Per = "all rounds of the side together";
        report.Add("pg state writes (WriteStateAsync): throughput", "pg_state_writes_per_s", state.PerSecond, "writes/s",
            $"{state.Describe(Writers, "writes", "writer")}; {statePayload} B payload (Orleans binary serializer)");
        report.Add("pg state writes: mean latency", "pg_state_write_mean_ms", stateLatency.MeanMicroseconds / 1000, "ms", $"grain call incl. WriteStateAsync; {Per}");
        report.Add("pg state writes: p50 latency", "pg_state_write_p50_ms", stateLatency.PercentileMicroseconds(0.50) / 1000, "ms");
        report.Add("pg state writes: p99 latency", "pg_state_write_p99_ms", stateLatency.PercentileMicroseconds(0.99) / 1000, "ms");
        report.Add("pg plain Npgsql writes: throughput", "pg_plain_writes_per_s", plain.PerSecond, "writes/s",
            $"{plain.Describe(Writers, "writes", "writer")}; {plainPayload} B payload, same table, the provider's UPDATE");
        report.Add("pg plain Npgsql writes: mean latency", "pg_plain_write_mean_ms", plainLatency.MeanMicroseconds / 1000, "ms", Per);
        report.Add("pg plain Npgsql writes: p50 latency", "pg_plain_write_p50_ms", plainLatency.PercentileMicroseconds(0.50) / 1000, "ms");
        report.Add("pg plain Npgsql writes: p99 latency", "pg_plain_write_p99_ms", plainLatency.PercentileMicroseconds(0.99) / 1000, "ms");
        report.Add("pg state mean / plain mean", "pg_write_ratio", stateLatency.MeanMicroseconds / plainLatency.MeanMicroseconds, "ratio", "target <= 1.5");
    }

    private static Task<RunResult> RunStateAsync(IStateWriterGrain[] grains, int[] sequences, TimeSpan warmUp) =>
        ClosedLoop.RunAsync(Writers, warmUp, Round, async (writer, window, log) =>
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

    private static Task<RunResult> RunPlainAsync(NpgsqlDataSource dataSource, Serializer serializer, PlainRow[] rows, TimeSpan warmUp) =>
        ClosedLoop.RunAsync(Writers, warmUp, Round, async (writer, window, log) =>
        {
            var row = rows[writer];
            while (window.IsRunning)
            {
                var start = Stopwatch.GetTimestamp();
                await WritePlainAsync(dataSource, serializer, row);
                window.Record(log, Stopwatch.GetTimestamp() - start);
            }
        });

    /// <summary>What the storage provider does for one write, minus Orleans: serialize, compare-and-set on the version.</summary>
    private static async Task WritePlainAsync(NpgsqlDataSource dataSource, Serializer serializer, PlainRow row)
    {
        var payload = serializer.SerializeToArray(BenchPayload.Create(++row.Sequence));
        await using var command = dataSource.CreateCommand(UpdateSql);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row.Hash });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PlainServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StateName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Key });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row.Version });
        row.Version = await command.ExecuteScalarAsync() is int version
            ? version
            : throw new InvalidOperationException($"Plain write of {row.Key} found another version than {row.Version}.");
    }

    private static async Task<PlainRow[]> SeedPlainRowsAsync(NpgsqlDataSource dataSource, Serializer serializer)
    {
        var rows = new PlainRow[Writers];
        for (var i = 0; i < Writers; i++)
        {
            rows[i] = new PlainRow($"plain/w{i}", Hash: 1_000_000 + i);
            await using var command = dataSource.CreateCommand(SeedSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PlainServiceId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows[i].Hash });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StateName });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rows[i].Key });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = serializer.SerializeToArray(BenchPayload.Create(0)) });
            await command.ExecuteNonQueryAsync();
        }
        return rows;
    }

    /// <summary>The stored payload sizes of a grain's row and of a plain row, read back from the table.</summary>
    private static async Task<(int State, int Plain)> PayloadSizesAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT max(octet_length(payload)) FILTER (WHERE service_id <> $1), max(octet_length(payload)) FILTER (WHERE service_id = $1) FROM granary_grain_storage");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PlainServiceId });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.IsDBNull(0) ? 0 : reader.GetInt32(0), reader.IsDBNull(1) ? 0 : reader.GetInt32(1));
    }

    private sealed record PlainRow(string Key, int Hash)
    {
        public int Version { get; set; } = 1;

        public int Sequence { get; set; }
    }
}
