using System.Diagnostics;
using Granary.Grains;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;
using Granary.Runtime;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Granary.Bench;

/// <summary>
/// Throughput of outbound webhook jobs, enqueue to completion: <see cref="Deliveries"/> deliveries, each with a fresh
/// id, started through <see cref="IWebhookDeliveryGrain.Start"/> (record, first attempt, one state write) with
/// <see cref="Concurrency"/> calls outstanding, to one endpoint of one organization whose URL is
/// <see cref="WebhookReceiver"/> in this process. Once on one silo (the bench process alone: PostgreSQL storage, Redis
/// reminders and membership), once on three (the bench process and two Granary.Silo processes; deliveries spread over
/// the ring by their keys). Latency of a delivery: its first receipt at the receiver minus the moment Start was
/// called (one process, one clock). Completion: Start returned Succeeded, i.e. the outcome is stored.
/// </summary>
public static class WebhookJobsScenario
{
    private const int Deliveries = 20_000;
    private const int WarmUpDeliveries = 5_000;
    private const int Concurrency = 256;
    private const string EndpointId = "wh_bench";

    /// <summary>
    /// Npgsql's pool per silo when there are three: the default (100) times three exceeds the local server's
    /// max_connections (200) once 256 calls activate grains at once ("53300: too many clients"). One silo keeps the default.
    /// </summary>
    private const int PoolPerSiloOfThree = 50;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan ReceiptWait = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(Report report)
    {
        await using var cluster = await BenchCluster.ConnectAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        Console.WriteLine($"jobs: receiver at {receiver.Url}; {Deliveries:N0} deliveries per run after {WarmUpDeliveries:N0} unmeasured, {Concurrency} Start calls outstanding");

        var one = await MeasureAsync(cluster, receiver, 1);
        Add(report, one, "", "1 silo (this process; PostgreSQL storage, Redis reminders)");
        var three = await MeasureAsync(cluster, receiver, 3);
        Add(report, three, "_3silos", $"3 silos (this process + 2 Granary.Silo processes, Npgsql pool {PoolPerSiloOfThree} each)");
    }

    private static void Add(Report report, JobsResult r, string suffix, string setup)
    {
        var silos = suffix.Length == 0 ? "1 silo" : "3 silos";
        report.Add($"webhook jobs, {silos}: throughput", $"webhook_jobs_per_s{suffix}", r.PerSecond, "jobs/s",
            $"{r.Completed:N0} of {r.Count:N0} Succeeded in {r.Elapsed.TotalSeconds:0.00} s, {Concurrency} outstanding; {setup}" +
            (suffix.Length == 0 ? "; target >= 2,000" : ""));
        report.Add($"webhook jobs, {silos}: first attempt p50", $"webhook_first_attempt_p50_ms{suffix}", r.FirstAttempt.PercentileMicroseconds(0.50) / 1000, "ms",
            "Start called -> first receipt at the receiver");
        report.Add($"webhook jobs, {silos}: first attempt p99", $"webhook_first_attempt_p99_ms{suffix}", r.FirstAttempt.PercentileMicroseconds(0.99) / 1000, "ms",
            $"max {r.FirstAttempt.MaxMicroseconds / 1000:0.0} ms" + (suffix.Length == 0 ? "; target < 100" : ""));
        report.Add($"webhook jobs, {silos}: Start p50", $"webhook_start_p50_ms{suffix}", r.Start.PercentileMicroseconds(0.50) / 1000, "ms",
            "Start called -> returned Succeeded (outcome stored)");
        report.Add($"webhook jobs, {silos}: Start p99", $"webhook_start_p99_ms{suffix}", r.Start.PercentileMicroseconds(0.99) / 1000, "ms");
        report.Add($"webhook jobs, {silos}: receipt -> stored p50", $"webhook_receipt_to_stored_p50_ms{suffix}", r.AfterReceipt.PercentileMicroseconds(0.50) / 1000, "ms",
            $"response, endpoint health, state write, reply; p99 {r.AfterReceipt.PercentileMicroseconds(0.99) / 1000:0.0} ms");
        report.Add($"webhook jobs, {silos}: errors", $"webhook_errors{suffix}", r.Errors, "count",
            $"Start threw or not Succeeded: {r.Errors}; never received: {r.Missing}; receipts {r.Receipts:N0} for {r.Count:N0} ids; state rows {r.StateRows:N0}");
        report.Add($"webhook jobs, {silos}: deliveries", $"webhook_deliveries{suffix}", r.Count, "count", r.Placement);
        report.Add($"webhook jobs, {silos}: cores busy, machine", $"webhook_cpu_machine_cores{suffix}", r.Cpu.Machine, "cores", r.Cpu.ToString());
        report.Add($"webhook jobs, {silos}: CPU per delivery", $"webhook_cpu_per_job_us{suffix}", r.Cpu.Ours * r.Elapsed.TotalMicroseconds / r.Count, "µs",
            $"bench + silos + postgres + redis (other work on the machine left out): bench process {r.Cpu.Bench * r.Elapsed.TotalMicroseconds / r.Count:0} µs, " +
            $"silo processes {r.Cpu.Silos * r.Elapsed.TotalMicroseconds / r.Count:0} µs, postgres {r.Cpu.Postgres * r.Elapsed.TotalMicroseconds / r.Count:0} µs, " +
            $"redis {r.Cpu.Redis * r.Elapsed.TotalMicroseconds / r.Count:0} µs");
    }

    private static async Task<JobsResult> MeasureAsync(BenchCluster cluster, WebhookReceiver receiver, int siloCount)
    {
        var clusterId = BenchCluster.NewClusterId($"jobs{siloCount}");
        var postgres = siloCount == 1 ? cluster.Postgres : new NpgsqlConnectionStringBuilder(cluster.Postgres) { MaxPoolSize = PoolPerSiloOfThree }.ConnectionString;
        var environment = cluster.SiloEnvironment(clusterId, quiet: true);
        environment["Granary__Storage__Postgres__ConnectionString"] = postgres;
        environment["Granary__Webhooks__AllowedTargets__0"] = "127.0.0.1/32";
        var processes = new List<SiloProcess>();
        try
        {
            for (var i = 1; i < siloCount; i++)
            {
                processes.Add(SiloProcess.Start(cluster.SiloDll, $"bench-jobs-{(char)('a' + i)}", environment));
            }
            if (processes.Count > 0)
            {
                Console.WriteLine($"jobs, {siloCount} silos: starting {processes.Count} Granary.Silo processes in cluster {cluster.Rows.KeyPrefix}:{clusterId} ...");
            }
            var rows = await Task.WhenAll(processes.Select(p => cluster.WaitForActiveAsync(clusterId, p, StartTimeout)));
            await using var silo = await InProcessSilo.StartAsync(cluster, clusterId, "bench-jobs-a", (builder, granary) =>
            {
                builder.Configuration.AddInMemoryCollection([new("Granary:Webhooks:AllowedTargets:0", "127.0.0.1/32")]);
                granary.AddGrains(GrainsAssembly.Assembly);
                builder.Services.AddGranaryDomain(builder.Configuration.GetSection("Granary"));
            }, postgres);
            await silo.WaitForViewAsync(siloCount, StartTimeout);
            await Task.WhenAll(processes.Zip(rows).Select(p => BenchCluster.WaitForViewAsync(p.First, p.Second.HttpPort, siloCount, StartTimeout)));

            var factory = silo.Silo.GrainFactory;
            var runTag = Guid.NewGuid().ToString("N")[..12];
            var organizationId = $"benchorg{siloCount}-{runTag}";
            await factory.GetGrain<IWebhookEndpointsGrain>(organizationId)
                .Create(new NewWebhookEndpoint(EndpointId, receiver.Url, [], null, true, WebhookSignature.NewSecret()))
                .WaitAsync(StartTimeout);

            Console.WriteLine($"jobs, {siloCount} silo(s): warming up with {WarmUpDeliveries:N0} deliveries (unmeasured) ...");
            var warmUp = await DeliveryBatch.RunAsync(factory, organizationId, EndpointId, $"warm{runTag}", WarmUpDeliveries, Concurrency, WarmUpLimit);
            PrintErrors("warm-up", warmUp);

            Console.WriteLine($"jobs, {siloCount} silo(s): {Deliveries:N0} deliveries ...");
            var receiptsBefore = receiver.Receipts;
            var cpu = ProcessorUse.Start(processes);
            var batch = await DeliveryBatch.RunAsync(factory, organizationId, EndpointId, $"run{runTag}", Deliveries, Concurrency, RunLimit);
            var shares = cpu.Stop();
            PrintErrors("measured run", batch);
            var missing = await WaitForReceiptsAsync(receiver, batch);
            var receipts = receiver.Receipts - receiptsBefore;
            var stateRows = await CountAndDeleteRowsAsync(cluster.Postgres, organizationId, WarmUpDeliveries + Deliveries);
            return JobsResult.Of(batch, receiver, shares, missing, receipts, stateRows, Placement(silo, batch, organizationId));
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>Start returns after the attempt, so every receipt is in already; the wait is a bounded safety net. Returns the ids never received.</summary>
    private static async Task<int> WaitForReceiptsAsync(WebhookReceiver receiver, DeliveryBatch batch)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReceiptWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var missing = batch.Ids.Count(id => !receiver.TryGetFirstReceipt(id, out _));
            if (missing == 0 || Stopwatch.GetTimestamp() > deadline)
            {
                if (missing > 0)
                {
                    Console.Error.WriteLine($"jobs: {missing:N0} deliveries never reached the receiver within {ReceiptWait.TotalSeconds:0} s after the run");
                }
                return missing;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Counts the run's delivery rows (one per Start that stored its outcome), then deletes every row of the run's organization.</summary>
    private static async Task<long> CountAndDeleteRowsAsync(string connectionString, string organizationId, int expected)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM granary_grain_state WHERE grain_key LIKE $1");
        count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organizationId + "/%" });
        var rows = (long)(await count.ExecuteScalarAsync())!;
        if (rows != expected)
        {
            Console.Error.WriteLine($"jobs: {rows:N0} delivery rows stored for {expected:N0} deliveries started");
        }
        await using var delete = dataSource.CreateCommand("DELETE FROM granary_grain_state WHERE grain_key = $1 OR grain_key LIKE $2");
        delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organizationId });
        delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organizationId + "/%" });
        await delete.ExecuteNonQueryAsync();
        return rows;
    }

    /// <summary>How the ring of the bench silo spread the measured deliveries over the silos.</summary>
    private static string Placement(InProcessSilo silo, DeliveryBatch batch, string organizationId)
    {
        var type = silo.Runtime.Types.ForInterface(typeof(IWebhookDeliveryGrain)).TypeName;
        var endpointsOwner = silo.Runtime.Placement.OwnerOf(new GrainId(silo.Runtime.Types.ForInterface(typeof(IWebhookEndpointsGrain)).TypeName, organizationId));
        var owners = batch.Ids
            .GroupBy(id => silo.Runtime.Placement.OwnerOf(new GrainId(type, WebhookDeliveryKey.For(organizationId, id))))
            .Select(g => $"{(g.Key == silo.Silo.Address ? "bench" : g.Key.ToString())} {g.Count():N0}");
        return $"deliveries per silo: {string.Join(", ", owners)}; the organization's endpoints grain on {(endpointsOwner == silo.Silo.Address ? "bench" : endpointsOwner.ToString())}";
    }

    private static void PrintErrors(string phase, DeliveryBatch batch)
    {
        if (batch.ErrorCount == 0)
        {
            return;
        }
        Console.Error.WriteLine($"jobs: {batch.ErrorCount:N0} errors in the {phase}; the first:");
        foreach (var error in batch.FirstErrors)
        {
            Console.Error.WriteLine($"  {error}");
        }
    }
}

/// <summary>The figures of one measured batch.</summary>
internal sealed record JobsResult(
    int Count, int Completed, long Errors, int Missing, long Receipts, long StateRows, TimeSpan Elapsed,
    LatencySummary FirstAttempt, LatencySummary Start, LatencySummary AfterReceipt, CpuShares Cpu, string Placement)
{
    /// <summary>Succeeded deliveries per second from the first Start call to the last completion (Start returned, or a later receipt).</summary>
    public double PerSecond => Completed / Elapsed.TotalSeconds;

    public static JobsResult Of(DeliveryBatch batch, WebhookReceiver receiver, CpuShares cpu, int missing, long receipts, long stateRows, string placement)
    {
        var count = batch.Ids.Length;
        var firstAttempt = new LatencyLog(count);
        var start = new LatencyLog(count);
        var afterReceipt = new LatencyLog(count);
        var first = long.MaxValue;
        var last = long.MinValue;
        var completed = 0;
        for (var i = 0; i < count; i++)
        {
            var called = batch.CalledAt(i);
            var returned = batch.ReturnedAt(i);
            first = Math.Min(first, called);
            if (batch.Succeeded(i))
            {
                completed++;
                start.TryRecord(returned - called);
                last = Math.Max(last, returned);
            }
            if (receiver.TryGetFirstReceipt(batch.Ids[i], out var received))
            {
                firstAttempt.TryRecord(received - called);
                last = Math.Max(last, received);
                if (batch.Succeeded(i))
                {
                    afterReceipt.TryRecord(returned - received);
                }
            }
        }
        return new JobsResult(count, completed, batch.ErrorCount, missing, receipts, stateRows, Stopwatch.GetElapsedTime(first, last),
            LatencySummary.Of([firstAttempt]), LatencySummary.Of([start]), LatencySummary.Of([afterReceipt]), cpu, placement);
    }
}
