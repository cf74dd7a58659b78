using System.Diagnostics;
using Granary.Engine.Bench.Cluster;
using Granary.Engine.Bench.Measurement;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// Throughput of outbound webhook jobs, enqueue to completion: <see cref="Deliveries"/> deliveries, each with a fresh
/// id, started through <see cref="IWebhookDeliveryGrain.Start"/> (activation, first attempt, one state write, the
/// read-model row) with <see cref="Concurrency"/> calls outstanding, to one endpoint of one organization whose URL is
/// <see cref="WebhookReceiver"/> in this process. Once on one silo (this process alone), once on three (this process
/// and two src/Silo processes; Orleans places the deliveries). Latency of a delivery: its first receipt at the
/// receiver minus the moment Start was called (one process, one clock). Completion: Start returned Succeeded, i.e.
/// the outcome is stored.
/// </summary>
internal static class WebhookJobsScenario
{
    public const int Deliveries = 20_000;
    public const int Concurrency = 256;

    /// <summary>The JIT is still busy after 1,000 deliveries.</summary>
    private const int WarmUpDeliveries = 20_000;
    private const string EndpointId = "wh_bench";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan ReceiptWait = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(Report report)
    {
        var siloDll = GranarySiloProcess.DllPath();
        await using var cluster = await BenchCluster.ConnectAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        Console.WriteLine($"jobs: receiver at {receiver.Url}; {Deliveries:N0} deliveries per run after {WarmUpDeliveries:N0} unmeasured, " +
            $"{Concurrency} Start calls outstanding; service id {cluster.ServiceId}");

        JobsFigures.Add(report, await MeasureAsync(cluster, receiver, siloDll, 1), "",
            "1 silo (this process; PostgreSQL storage, Redis reminders)");
        JobsFigures.Add(report, await MeasureAsync(cluster, receiver, siloDll, 3), "_3silos",
            $"3 silos (this process + 2 src/Silo processes, Npgsql pools of {JobsSetup.PoolPerSiloOfThree} each)");
    }

    private static async Task<JobsResult> MeasureAsync(BenchCluster cluster, WebhookReceiver receiver, string siloDll, int siloCount)
    {
        var silos = siloCount == 1 ? "1 silo" : $"{siloCount} silos";
        Console.WriteLine($"jobs, {silos}: starting{(siloCount > 1 ? $" this process and {siloCount - 1} src/Silo processes" : "")} ...");
        await using var setup = await JobsSetup.StartAsync(cluster, siloDll, siloCount);
        Console.WriteLine($"jobs, {silos}: every silo sees {siloCount} active; grain state in scratch database {setup.DatabaseName}");

        var factory = setup.SiloA.GrainFactory;
        var runTag = Guid.NewGuid().ToString("N")[..12];
        var organizationId = $"benchorg{siloCount}-{runTag}";
        var endpoints = factory.GetGrain<IWebhookEndpointsGrain>(organizationId);
        await endpoints.Create(new NewWebhookEndpoint(EndpointId, receiver.Url, [], null, true, WebhookSignature.NewSecret())).WaitAsync(CallTimeout);

        Console.WriteLine($"jobs, {silos}: warming up with {WarmUpDeliveries:N0} deliveries (unmeasured) ...");
        var warmUp = await DeliveryBatch.RunAsync(factory, organizationId, EndpointId, $"warm{runTag}", WarmUpDeliveries, Concurrency, WarmUpLimit);
        PrintErrors("warm-up", warmUp);

        var placement = new DeliveryPlacement(setup);
        await placement.CountBeforeAsync();
        Console.WriteLine($"jobs, {silos}: {Deliveries:N0} deliveries (load average {BenchCommand.LoadAverage()}) ...");
        var receiptsBefore = receiver.Receipts;
        var withoutIdBefore = receiver.WithoutId;
        var cpu = ProcessorUse.Start(setup.ProcessesCpu);
        var runPrefix = $"run{runTag}";
        var batch = await DeliveryBatch.RunAsync(factory, organizationId, EndpointId, runPrefix, Deliveries, Concurrency, RunLimit);
        var shares = cpu.Stop();
        PrintErrors("measured run", batch);
        setup.ThrowIfSiloAFailed();

        var missing = await WaitForReceiptsAsync(receiver, batch);
        var rows = await StoredRows.CountAsync(setup.Postgres, organizationId, $"msg_{runPrefix}_");
        if (rows.State != Deliveries || rows.List != Deliveries)
        {
            await Console.Error.WriteLineAsync($"jobs: {rows.State:N0} delivery state rows and {rows.List:N0} list rows stored for {Deliveries:N0} deliveries started");
        }
        var where = await placement.DescribeAsync(endpoints);
        return JobsResult.Of(batch, receiver, shares, missing, receiver.Receipts - receiptsBefore, receiver.WithoutId - withoutIdBefore, rows, where);
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
                    await Console.Error.WriteLineAsync($"jobs: {missing:N0} deliveries never reached the receiver within {ReceiptWait.TotalSeconds:0} s after the run");
                }
                return missing;
            }
            await Task.Delay(50);
        }
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
