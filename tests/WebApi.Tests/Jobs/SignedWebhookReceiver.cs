using System.Collections.Concurrent;
using Granary.Testing.Http;
using Granary.Testing.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Granary.WebApi.Tests.Jobs;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port): POST /hook answers <see cref="Status"/>, records every
/// request, and checks its Standard Webhooks signature against <see cref="Secret"/> on arrival (an HMAC computed here,
/// independently of the product's signer).
/// </summary>
internal sealed class SignedWebhookReceiver : IAsyncDisposable
{
    private LoopbackServer? _server;
    private int _status = StatusCodes.Status200OK;

    /// <summary>The URL to register as the endpoint.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The endpoint's "whsec_…" secret every request is verified with; set it before anything is delivered.</summary>
    public string? Secret { get; set; }

    /// <summary>The status code the next requests get.</summary>
    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public static async Task<SignedWebhookReceiver> StartAsync()
    {
        var receiver = new SignedWebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(routes => routes.MapPost("/hook", receiver.HandleAsync));
        receiver.Url = receiver._server.BaseUrl + "/hook";
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived; fails naming what was awaited.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The receiver got {Requests.Count} request(s) within {limit}, expected {count} ({what}).");
            }
            await Task.Delay(50);
        }
        return [.. Requests];
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var delivery = await StandardWebhookSignature.ReadAsync(context.Request, Secret, context.RequestAborted);
        var status = Status;
        Requests.Enqueue(new ReceivedRequest(delivery.WebhookId, delivery.Timestamp, delivery.Body, delivery.SignatureValid, status));
        context.Response.StatusCode = status;
    }
}

/// <summary>One request the receiver got: its webhook headers, body, whether the signature held, and what it answered.</summary>
internal sealed record ReceivedRequest(string WebhookId, string Timestamp, string Body, bool SignatureValid, int AnsweredStatus);
