using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// The webhook target of the jobs bench: Kestrel in the bench process on a free 127.0.0.1 port, answering every
/// <c>POST /hooks</c> with 200 and an empty body at once. For each <c>webhook-id</c> it keeps the
/// <see cref="Stopwatch"/> timestamp of the first receipt (the same clock the enqueue side reads, one process) and
/// counts every receipt, so duplicates show.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly ConcurrentDictionary<string, long> _firstReceipts = new(StringComparer.Ordinal);
    private long _receipts;
    private long _withoutId;

    private WebhookReceiver(WebApplication host) => _host = host;

    /// <summary>The URL to register as the endpoint.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Every request received, duplicates included.</summary>
    public long Receipts => Interlocked.Read(ref _receipts);

    /// <summary>Requests without a <c>webhook-id</c> header (the sender always sets one: should stay 0).</summary>
    public long WithoutId => Interlocked.Read(ref _withoutId);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var host = builder.Build();
        var receiver = new WebhookReceiver(host);
        host.MapPost("/hooks", (HttpContext context) =>
        {
            var at = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref receiver._receipts);
            if (context.Request.Headers["webhook-id"].ToString() is { Length: > 0 } id)
            {
                receiver._firstReceipts.TryAdd(id, at);
            }
            else
            {
                Interlocked.Increment(ref receiver._withoutId);
            }
            return Results.Ok();
        });
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(bounded.Token);
        var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = $"{address.TrimEnd('/')}/hooks";
        return receiver;
    }

    /// <summary>The first receipt of <paramref name="webhookId"/>, in <see cref="Stopwatch"/> ticks; false when never received.</summary>
    public bool TryGetFirstReceipt(string webhookId, out long timestamp) => _firstReceipts.TryGetValue(webhookId, out timestamp);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(bounded.Token);
        }
        finally
        {
            await _host.DisposeAsync();
        }
    }
}
