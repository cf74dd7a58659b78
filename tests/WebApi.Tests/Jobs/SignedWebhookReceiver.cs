using System.Collections.Concurrent;
using System.Text;
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
    private WebApplication? _app;
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
        var (app, baseUrl) = await LoopbackApp.StartAsync(routes => routes.MapPost("/hook", receiver.HandleAsync));
        receiver._app = app;
        receiver.Url = baseUrl + "/hook";
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

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await LoopbackApp.StopAsync(_app);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var status = Status;
        Requests.Enqueue(new ReceivedRequest(id, timestamp, body, StandardWebhookSignature.Verify(Secret, id, timestamp, body, signature), status));
        context.Response.StatusCode = status;
    }
}

/// <summary>One request the receiver got: its webhook headers, body, whether the signature held, and what it answered.</summary>
internal sealed record ReceivedRequest(string WebhookId, string Timestamp, string Body, bool SignatureValid, int AnsweredStatus);
