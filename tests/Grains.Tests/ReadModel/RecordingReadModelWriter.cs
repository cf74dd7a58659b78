using System.Collections.Concurrent;
using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Granary.ReadModel;

namespace Granary.Grains.Tests.ReadModel;

/// <summary>
/// Records every read-model write a grain makes, as (kind, key, revision, what it carried); can fail the next writes
/// to show what a grain does when its row can't be written.
/// </summary>
internal sealed class RecordingReadModelWriter : IReadModelWriter
{
    private int _failures;

    public ConcurrentQueue<RowWrite> Writes { get; } = new();

    /// <summary>The next <paramref name="count"/> writes throw (after being recorded as failed).</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

    public IReadOnlyList<RowWrite> Of(string kind, string key) => [.. Writes.Where(w => w.Kind == kind && w.Key == key)];

    public Task WriteOrderAsync(OrderSnapshot order, long revision, CancellationToken cancellationToken = default) =>
        Record("order", OrderKey.For(order.OrganizationId, order.Id), revision, order.Status.ToString());

    /// <summary>The state, then the row, as on storage that can't take the row along.</summary>
    public async Task WriteOrderWithStateAsync(Func<Task> writeState, OrderSnapshot order, long revision)
    {
        await writeState();
        await WriteOrderAsync(order, revision);
    }

    public async Task WriteDeliveryWithStateAsync(Func<Task> writeState, WebhookDeliveryInfo delivery, long revision)
    {
        await writeState();
        await WriteDeliveryAsync(delivery, revision);
    }

    public async Task WriteEmailJobWithStateAsync(Func<Task> writeState, EmailJobInfo job, long revision)
    {
        await writeState();
        await WriteEmailJobAsync(job, revision);
    }

    public Task WriteDeliveryAsync(WebhookDeliveryInfo delivery, long revision, CancellationToken cancellationToken = default) =>
        Record("delivery", WebhookDeliveryKey.For(delivery.OrganizationId, delivery.Id), revision, delivery.Status.ToString());

    public Task WriteEmailJobAsync(EmailJobInfo job, long revision, CancellationToken cancellationToken = default) =>
        Record("email", EmailJobKey.For(job.OrganizationId, job.Id), revision, job.Status.ToString());

    public Task WriteRefreshFamilyAsync(string grainKey, bool revoked, DateTimeOffset expiresAt, long revision, CancellationToken cancellationToken = default) =>
        Record("family", grainKey, revision, revoked ? "revoked" : "live");

    public Task DeleteRefreshFamilyAsync(string grainKey, long revision, CancellationToken cancellationToken = default) =>
        Record("family", grainKey, revision, "deleted");

    private Task Record(string kind, string key, long revision, string value)
    {
        var failed = Interlocked.Decrement(ref _failures) >= 0;
        Writes.Enqueue(new RowWrite(kind, key, revision, value, failed));
        return failed ? Task.FromException(new InvalidOperationException($"The {kind} row of {key} could not be written (test).")) : Task.CompletedTask;
    }
}

/// <summary>One write to the read model; <see cref="Failed"/> when the recorder made it fail.</summary>
internal sealed record RowWrite(string Kind, string Key, long Revision, string Value, bool Failed);
