using Granary.Grains.Tests.Webhooks.Sending;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;

namespace Granary.Grains.Tests.Webhooks.Delivery;

/// <summary>
/// A cluster that may send to loopback (unless told otherwise) and the <see cref="WebhookReceiver"/> its endpoints
/// point at. Tests keep apart by organization and delivery ids; the receiver's requests carry the delivery id as
/// webhook-id.
/// </summary>
public class DeliveryClusterFixture : ClusterFixture
{
    private WebhookReceiver? _receiver;

    public DeliveryClusterFixture()
        : this(allowLoopback: true, _ => { })
    {
    }

    private protected DeliveryClusterFixture(bool allowLoopback, Action<GranaryClusterOptions> configure)
        : base(options =>
        {
            if (allowLoopback)
            {
                options.Set(("Webhooks:AllowedTargets:0", "127.0.0.1/32"));
            }
            configure(options);
        })
    {
    }

    internal WebhookReceiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver has not started.");

    public override async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}

/// <summary>One test's organization on a <see cref="DeliveryClusterFixture"/>: its endpoints, deliveries and what the receiver got for them.</summary>
internal sealed class DeliveryScope(DeliveryClusterFixture fixture)
{
    public string Org { get; } = "org-" + Guid.NewGuid().ToString("N");

    public GranaryCluster Cluster => fixture.Cluster;

    public IGrainFactory Grains => fixture.Grains;

    public WebhookReceiver Receiver => fixture.Receiver;

    public IWebhookEndpointsGrain Endpoints => Grains.GetGrain<IWebhookEndpointsGrain>(Org);

    /// <summary>The requests the receiver got for deliveries of this organization.</summary>
    public IReadOnlyList<ReceivedWebhook> Requests =>
        [.. Receiver.Requests.Where(r => r.Headers.TryGetValue("webhook-id", out var id) && id.StartsWith(DeliveryIdPrefix, StringComparison.Ordinal))];

    /// <summary>Delivery ids of this test start with this (it is unique per organization).</summary>
    public string DeliveryIdPrefix => $"msg_{Org}_";

    public string DeliveryId(string endpointId, string eventId = "evt1") => $"{DeliveryIdPrefix}{eventId}_{endpointId}";

    public async Task<string> AddEndpointAsync(string id, string path, params string[] eventTypes)
    {
        var secret = WebhookSignature.NewSecret();
        await Endpoints.Create(new NewWebhookEndpoint(id, $"{Receiver.BaseUrl}/{path}", eventTypes, null, true, secret));
        return secret;
    }

    public IWebhookDeliveryGrain Delivery(string deliveryId) => Grains.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(Org, deliveryId));

    public NewWebhookDelivery NewDelivery(string endpointId, string eventId = "evt1") =>
        new(Org, endpointId, eventId, "order.created", $"{{\"type\":\"order.created\",\"data\":{{\"eventId\":\"{eventId}\"}}}}", DateTimeOffset.UtcNow);
}
