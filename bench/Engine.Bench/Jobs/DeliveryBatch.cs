using System.Diagnostics;
using Granary.Grains.Jobs;
using Granary.Grains.Webhooks;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// Enqueues <c>count</c> webhook deliveries, each with a fresh id, through <see cref="IWebhookDeliveryGrain.Start"/>
/// with at most <c>concurrency</c> calls outstanding, and records per delivery the <see cref="Stopwatch"/> timestamps
/// of the call and of its return, and whether it returned Succeeded. The whole batch is bounded by a deadline.
/// </summary>
internal sealed class DeliveryBatch
{
    private const int KeptErrors = 5;
    private readonly long[] _called;
    private readonly long[] _returned;
    private readonly bool[] _succeeded;
    private readonly List<string> _errors = [];
    private long _errorCount;

    private DeliveryBatch(string[] ids)
    {
        Ids = ids;
        _called = new long[ids.Length];
        _returned = new long[ids.Length];
        _succeeded = new bool[ids.Length];
    }

    /// <summary>The delivery ids, also the <c>webhook-id</c> headers the receiver sees.</summary>
    public string[] Ids { get; }

    /// <summary>Start calls that threw or returned another status than Succeeded.</summary>
    public long ErrorCount => Interlocked.Read(ref _errorCount);

    /// <summary>The first few errors, for the report.</summary>
    public IReadOnlyList<string> FirstErrors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>When Start was called for delivery <c>i</c>.</summary>
    public long CalledAt(int i) => _called[i];

    /// <summary>When Start returned for delivery <c>i</c> (0 when it threw).</summary>
    public long ReturnedAt(int i) => _returned[i];

    /// <summary>Whether Start returned Succeeded for delivery <c>i</c>.</summary>
    public bool Succeeded(int i) => _succeeded[i];

    /// <summary>Runs the batch; throws <see cref="TimeoutException"/> when it is not done within <paramref name="limit"/>.</summary>
    public static async Task<DeliveryBatch> RunAsync(
        IGrainFactory factory, string organizationId, string endpointId, string idPrefix, int count, int concurrency, TimeSpan limit)
    {
        var batch = new DeliveryBatch([.. Enumerable.Range(0, count).Select(i => $"msg_{idPrefix}_{i}")]);
        var next = -1;
        var createdAt = DateTimeOffset.UtcNow;
        async Task CallerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var id = batch.Ids[i];
                var payload = Payload(id, i, createdAt);
                var grain = factory.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(organizationId, id));
                batch._called[i] = Stopwatch.GetTimestamp();
                try
                {
                    var info = await grain.Start(new NewWebhookDelivery(organizationId, endpointId, $"evt_{id}", "order.created", payload, createdAt));
                    batch._returned[i] = Stopwatch.GetTimestamp();
                    batch._succeeded[i] = info.Status == JobStatus.Succeeded;
                    if (!batch._succeeded[i])
                    {
                        var last = info.Attempts.Count > 0 ? info.Attempts[^1] : null;
                        batch.Fail($"{id}: {info.Status} after {info.AttemptCount} attempt(s), last {last?.Outcome} {last?.StatusCode} {last?.Error}");
                    }
                }
                catch (Exception error)
                {
                    batch.Fail($"{id}: {error.GetType().Name}: {error.Message}");
                }
            }
        }

        var callers = Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(CallerAsync)));
        try
        {
            await callers.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            // Stop handing out work; calls in flight end on their own (the silos are disposed next).
            var reached = Math.Min(Interlocked.Exchange(ref next, count), count);
            throw new TimeoutException(
                $"{count:N0} deliveries were not done within {limit.TotalSeconds:0} s: {reached:N0} started, " +
                $"{batch._returned.Count(t => t != 0):N0} returned, {batch.ErrorCount:N0} errors.");
        }
        return batch;
    }

    /// <summary>An order.created event as the outbox hands it over: about 300 bytes of JSON.</summary>
    private static string Payload(string id, int sequence, DateTimeOffset createdAt) =>
        $$$"""{"id":"evt_{{{id}}}","type":"order.created","createdAt":"{{{createdAt:O}}}","data":{"orderId":"ord_{{{sequence:D8}}}","status":"Created","currency":"EUR","totalMinor":{{{1000 + sequence % 9000}}},"lines":[{"sku":"SKU-{{{sequence % 97:D3}}}","quantity":{{{1 + sequence % 5}}},"unitPriceMinor":1250}]}}""";

    private void Fail(string error)
    {
        Interlocked.Increment(ref _errorCount);
        lock (_errors)
        {
            if (_errors.Count < KeptErrors)
            {
                _errors.Add(error);
            }
        }
    }
}
