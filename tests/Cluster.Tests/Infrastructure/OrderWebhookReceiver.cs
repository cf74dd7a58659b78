using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port) that answers 200 to every POST /hook, checks each request's
/// Standard Webhooks signature against <see cref="Secret"/> (an HMAC computed here, not by the product's signer) and
/// records, per webhook-id, the order id of an "order.created" body (<c>data.order.id</c>).
/// </summary>
internal sealed class OrderWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly Dictionary<string, string?> _orderOfWebhook = new(StringComparer.Ordinal);
    private readonly HashSet<string> _orders = new(StringComparer.Ordinal);
    private int _requests;
    private int _invalid;
    private string? _firstInvalid;

    private OrderWebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to register as the endpoint.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The endpoint's "whsec_…" secret; set before anything is delivered.</summary>
    public string? Secret { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests whose signature (or timestamp) did not verify, and the first of them, described.</summary>
    public (int Count, string? First) Invalid
    {
        get
        {
            lock (_lock)
            {
                return (_invalid, _firstInvalid);
            }
        }
    }

    /// <summary>Distinct webhook-ids seen.</summary>
    public int DistinctWebhooks
    {
        get
        {
            lock (_lock)
            {
                return _orderOfWebhook.Count;
            }
        }
    }

    /// <summary>Order ids some order.created delivery carried.</summary>
    public IReadOnlySet<string> Orders
    {
        get
        {
            lock (_lock)
            {
                return new HashSet<string>(_orders, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Order ids carried by more than one distinct webhook-id (more than one event or delivery for an order).</summary>
    public IReadOnlyList<string> OrdersWithSeveralWebhooks()
    {
        lock (_lock)
        {
            return [.. _orderOfWebhook.Values.OfType<string>().CountBy(o => o).Where(c => c.Value > 1).Select(c => c.Key)];
        }
    }

    public static async Task<OrderWebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OrderWebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/hook";
        return receiver;
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
        var valid = Verify(Secret, id, context.Request.Headers["webhook-timestamp"].ToString(), body, context.Request.Headers["webhook-signature"].ToString());
        var orderId = OrderIdOf(body);
        lock (_lock)
        {
            _requests++;
            if (!valid)
            {
                _invalid++;
                _firstInvalid ??= $"webhook-id {id}, headers {string.Join(", ", context.Request.Headers.Where(h => h.Key.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase)))}";
            }
            _orderOfWebhook.TryAdd(id, orderId);
            if (orderId is not null)
            {
                _orders.Add(orderId);
            }
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>data.order.id of an "order.created" body, else null.</summary>
    private static string? OrderIdOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.GetProperty("type").GetString() == "order.created"
                ? root.GetProperty("data").GetProperty("order").GetProperty("id").GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Standard Webhooks: some "v1,{base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")}" among the space-separated
    /// signatures, the key being the base64 after "whsec_", and a timestamp within five minutes of now.
    /// </summary>
    private static bool Verify(string? secret, string id, string timestamp, string body, string signatures)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal) || id.Length == 0
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s =>
            s.StartsWith("v1,", StringComparison.Ordinal) && CryptographicOperations.FixedTimeEquals(expected, Decode(s[3..])));
    }

    private static byte[] Decode(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : [];
    }
}
