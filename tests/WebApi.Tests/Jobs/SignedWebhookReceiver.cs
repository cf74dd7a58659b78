using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Granary.WebApi.Tests.Jobs;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port): POST /hook answers <see cref="Status"/>, records every
/// request, and checks its Standard Webhooks signature against <see cref="Secret"/> on arrival (an HMAC computed here,
/// independently of the product's signer).
/// </summary>
internal sealed class SignedWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _status = StatusCodes.Status200OK;

    private SignedWebhookReceiver(WebApplication app) => _app = app;

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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new SignedWebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/hook";
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
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(bounded.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var status = Status;
        Requests.Enqueue(new ReceivedRequest(id, timestamp, body, Verify(Secret, id, timestamp, body, signature), status));
        context.Response.StatusCode = status;
    }

    /// <summary>
    /// Standard Webhooks: some "v1,{base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")}" among the space-separated
    /// signatures, the key being the base64 after "whsec_", and a timestamp within five minutes of now.
    /// </summary>
    public static bool Verify(string? secret, string id, string timestamp, string body, string signatures)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s =>
            s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(expected, Decode(s[3..])));
    }

    private static byte[] Decode(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : [];
    }
}

/// <summary>One request the receiver got: its webhook headers, body, whether the signature held, and what it answered.</summary>
internal sealed record ReceivedRequest(string WebhookId, string Timestamp, string Body, bool SignatureValid, int AnsweredStatus);
