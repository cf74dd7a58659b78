using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;
using Granary.WebApi.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Granary.WebApi.Tests.Operations;

/// <summary>
/// With <c>Granary:Traces:OtlpEndpoint</c> set, one order creation is one trace: the HTTP request (whose id is the
/// response's X-Request-Id), the order grain's call (Orleans's activity propagation), PostgreSQL's statements, and the
/// webhook the order's event sends. Spans are caught with OpenTelemetry's in-memory exporter beside the OTLP one.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private SignedWebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await SignedWebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task OrderCreation_IsOneTrace_FromTheRequestThroughGrainCallsToPostgresAndTheWebhook()
    {
        var spans = new ConcurrentQueue<Activity>();
        var settings = new Dictionary<string, string>
        {
            // Nothing listens there: the OTLP exporter drops its batches; the in-memory exporter keeps the spans.
            ["Granary:Traces:OtlpEndpoint"] = $"http://127.0.0.1:{Granary.Testing.Processes.LoopbackPorts.Free()}",
            ["Granary:Webhooks:AllowedTargets:0"] = "127.0.0.1/32",
        };
        using var factory = new ApiFactory(ApiStorage.Postgres, settings,
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new QueueCollection(spans))));
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var endpoint = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = _receiver.Url, eventTypes = new[] { "order.created" } });
        Assert.Equal(HttpStatusCode.Created, endpoint.StatusCode);
        _receiver.Secret = (await endpoint.ReadAsync<JsonElement>()).GetProperty("secret").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders") { Content = ApiSamples.Json(ApiSamples.OrderJson) };
        request.Headers.Add("Idempotency-Key", "traced-order");
        var created = await owner.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var requestId = created.Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", requestId);

        // The server span of the request carries the id the response gave.
        var trace = await WaitForAsync(spans, requestId, s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client, minimum: 1);
        Assert.Contains(trace, s => s.Kind == ActivityKind.Server && s.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && s.DisplayName.Contains("orders", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.DisplayName.Contains("IOrderGrain", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Source.Name == "Npgsql" && s.Kind == ActivityKind.Client);
        // The order.created webhook went out in the same trace, and the receiver got it.
        var webhook = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client);
        Assert.Equal("POST", webhook.GetTagItem("http.request.method"));
        Assert.NotEmpty(_receiver.Requests);
    }

    /// <summary>The spans of <paramref name="traceId"/> once at least <paramref name="minimum"/> of them match <paramref name="awaited"/> (20 s at most).</summary>
    private static async Task<IReadOnlyList<Activity>> WaitForAsync(ConcurrentQueue<Activity> spans, string traceId, Func<Activity, bool> awaited, int minimum)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var trace = spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
            if (trace.Count(awaited) >= minimum)
            {
                return trace;
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"The trace {traceId} has {trace.Count} spans: {string.Join(", ", trace.Select(s => $"{s.Source.Name}:{s.DisplayName}"))}; of all {spans.Count} spans, sources {string.Join(", ", spans.Select(s => s.Source.Name).Distinct())}");
            await Task.Delay(200);
        }
    }

    /// <summary>An <see cref="ICollection{T}"/> over a concurrent queue, for the in-memory exporter (which only adds).</summary>
    private sealed class QueueCollection(ConcurrentQueue<Activity> queue) : ICollection<Activity>
    {
        public int Count => queue.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item) => queue.Enqueue(item);

        public void Clear() => queue.Clear();

        public bool Contains(Activity item) => queue.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => queue.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
