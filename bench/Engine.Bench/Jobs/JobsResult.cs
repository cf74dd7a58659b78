using System.Diagnostics;
using Granary.Engine.Bench.Measurement;

namespace Granary.Engine.Bench.Jobs;

/// <summary>The figures of one measured batch.</summary>
/// <param name="Receipts">Requests the receiver got during the run, duplicates included.</param>
/// <param name="WithoutId">Requests without a <c>webhook-id</c> header (the sender always sets one).</param>
/// <param name="Elapsed">From the first Start call to the last completion (Start returned, or a later receipt).</param>
internal sealed record JobsResult(
    int Count, int Completed, long Errors, int Missing, long Receipts, long WithoutId, StoredRows Rows, TimeSpan Elapsed,
    LatencySummary FirstAttempt, LatencySummary Start, LatencySummary AfterReceipt, CpuShares Cpu, string Placement)
{
    /// <summary>Succeeded deliveries per second from the first Start call to the last completion.</summary>
    public double PerSecond => Completed / Elapsed.TotalSeconds;

    public static JobsResult Of(
        DeliveryBatch batch, WebhookReceiver receiver, CpuShares cpu, int missing, long receipts, long withoutId, StoredRows rows, string placement)
    {
        var count = batch.Ids.Length;
        var firstAttempt = new LatencyLog();
        var start = new LatencyLog();
        var afterReceipt = new LatencyLog();
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
                start.Record(returned - called);
                last = Math.Max(last, returned);
            }
            if (receiver.TryGetFirstReceipt(batch.Ids[i], out var received))
            {
                firstAttempt.Record(received - called);
                last = Math.Max(last, received);
                if (batch.Succeeded(i))
                {
                    afterReceipt.Record(returned - received);
                }
            }
        }
        var elapsed = last > first ? Stopwatch.GetElapsedTime(first, last) : TimeSpan.Zero;
        return new JobsResult(count, completed, batch.ErrorCount, missing, receipts, withoutId, rows, elapsed,
            LatencySummary.Of([firstAttempt]), LatencySummary.Of([start]), LatencySummary.Of([afterReceipt]), cpu, placement);
    }
}
