using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>An order the API acknowledged (201): its id, the answer's body, and when the answer came (a Stopwatch timestamp).</summary>
internal sealed record AcknowledgedOrder(string Id, string Body, long AcknowledgedAt);

/// <summary>
/// A bounded write load: <c>workers</c> loops each creating orders one after the other (each with its own
/// Idempotency-Key) until stopped or <c>maxOrders</c> are acknowledged, recording every acknowledgement.
/// </summary>
internal sealed class OrderWriteLoad(ApiSession api, string organizationId, string keyPrefix, int workers, int maxOrders)
{
    private const string OrderJson =
        """{"lines":[{"sku":"SKU-1","quantity":2,"unitPrice":12.50}],"currency":"EUR","customer":{"email":"load@example.com","name":"Load"},"shippingAddress":{"line1":"1 Main St","city":"Lyon","postalCode":"69001","country":"FR"}}""";

    private static readonly object Order = JsonSerializer.Deserialize<JsonElement>(OrderJson);

    private readonly List<AcknowledgedOrder> _acknowledged = [];
    private int _next;

    public IReadOnlyList<AcknowledgedOrder> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    /// <summary>Runs until <paramref name="stop"/> is cancelled or <c>maxOrders</c> were created; a failed create fails the run.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(stop), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _next);
            if (index > maxOrders)
            {
                return;
            }
            var body = await api.PostAsync($"/api/v1/orgs/{organizationId}/orders", Order, HttpStatusCode.Created, $"{keyPrefix}-{index}");
            var at = Stopwatch.GetTimestamp();
            var id = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("id").GetString()!;
            lock (_acknowledged)
            {
                _acknowledged.Add(new AcknowledgedOrder(id, body, at));
            }
        }
    }
}
