using System.Diagnostics;
using Granary.Testing.Http;
using Granary.Testing.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>One request a <see cref="SwitchableWebhookReceiver"/> answered: its webhook-id, whether its signature verified, the status sent back, when (a Stopwatch timestamp).</summary>
internal sealed record ReceivedWebhook(string WebhookId, bool SignatureValid, int AnsweredStatus, long At);

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port) that answers every POST /hook with 500 until
/// <see cref="Accepting"/> is set, then 200; it checks each request's Standard Webhooks signature against
/// <see cref="Secret"/> and records every request in arrival order.
/// </summary>
internal sealed class SwitchableWebhookReceiver : IAsyncDisposable
{
    private readonly List<ReceivedWebhook> _received = [];
    private LoopbackServer? _server;
    private volatile bool _accepting;

    /// <summary>The URL to register as the endpoint.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The endpoint's "whsec_…" secret; set before anything is delivered.</summary>
    public string? Secret { get; set; }

    /// <summary>False (the start): answer 500. True: answer 200.</summary>
    public bool Accepting
    {
        get => _accepting;
        set => _accepting = value;
    }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<SwitchableWebhookReceiver> StartAsync()
    {
        var receiver = new SwitchableWebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(routes => routes.MapPost("/hook", receiver.HandleAsync));
        receiver.Url = receiver._server.BaseUrl + "/hook";
        return receiver;
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var delivery = await StandardWebhookSignature.ReadAsync(context.Request, Secret, context.RequestAborted);
        var status = _accepting ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        lock (_received)
        {
            _received.Add(new ReceivedWebhook(delivery.WebhookId, delivery.SignatureValid, status, Stopwatch.GetTimestamp()));
        }
        context.Response.StatusCode = status;
    }
}
