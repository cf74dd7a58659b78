using System.Text.Json;
using Granary.Testing.Http;
using Granary.Testing.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port) that answers 200 to every POST /hook, checks each request's
/// Standard Webhooks signature against <see cref="Secret"/> (an HMAC computed here, not by the product's signer) and
/// records, per webhook-id, the order id of an "order.created" body (<c>data.order.id</c>).
/// </summary>
internal sealed class OrderWebhookReceiver : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, string?> _orderOfWebhook = new(StringComparer.Ordinal);
    private readonly HashSet<string> _orders = new(StringComparer.Ordinal);
    private int _requests;
    private int _invalid;
    private string? _firstInvalid;
    private LoopbackServer? _server;

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
        var receiver = new OrderWebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(routes => routes.MapPost("/hook", receiver.HandleAsync));
        receiver.Url = receiver._server.BaseUrl + "/hook";
        return receiver;
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var delivery = await StandardWebhookSignature.ReadAsync(context.Request, Secret, context.RequestAborted);
        var (id, body, valid) = (delivery.WebhookId, delivery.Body, delivery.SignatureValid);
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
}
