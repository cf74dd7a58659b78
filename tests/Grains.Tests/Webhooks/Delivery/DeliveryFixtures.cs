using Granary.Grains.Tests.Webhooks.Sending;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;
using Granary.Runtime.Testing;

namespace Granary.Grains.Tests.Webhooks.Delivery;

/// <summary>A cluster on a manual clock that may send to loopback, an organization with one endpoint, and helpers.</summary>
internal sealed class DeliveryFixture : IAsyncDisposable
{
    public const string Org = "org1";

    private DeliveryFixture(TestCluster cluster, WebhookReceiver receiver, ManualTimeProvider time)
    {
        Cluster = cluster;
        Receiver = receiver;
        Time = time;
    }

    public TestCluster Cluster { get; }

    public WebhookReceiver Receiver { get; }

    public ManualTimeProvider Time { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public IWebhookEndpointsGrain Endpoints => Grains.GetGrain<IWebhookEndpointsGrain>(Org);

    /// <param name="settings">More Granary settings, e.g. ("Webhooks:RetryDelays:0", "00:00:01").</param>
    public static async Task<DeliveryFixture> StartAsync(bool allowLoopback = true, Action<TestClusterOptions>? configure = null, params (string Key, string Value)[] settings)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var configuration = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        if (allowLoopback)
        {
            configuration["Webhooks:AllowedTargets:0"] = "127.0.0.1/32";
        }
        var cluster = await GrainTestCluster.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.ConfigureReminders = r => r.PollInterval = TimeSpan.FromSeconds(1);
            configure?.Invoke(o);
        }, configuration);
        return new DeliveryFixture(cluster, receiver, time);
    }

    public async Task<string> AddEndpointAsync(string id, string path, params string[] eventTypes)
    {
        var secret = WebhookSignature.NewSecret();
        await Endpoints.Create(new NewWebhookEndpoint(id, $"{Receiver.BaseUrl}/{path}", eventTypes, null, true, secret));
        return secret;
    }

    public IWebhookDeliveryGrain Delivery(string deliveryId) => Grains.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(Org, deliveryId));

    public static NewWebhookDelivery NewDelivery(string endpointId, string eventId = "evt1") =>
        new(Org, endpointId, eventId, "order.created", $"{{\"type\":\"order.created\",\"data\":{{\"eventId\":\"{eventId}\"}}}}", DateTimeOffset.UtcNow);

    /// <summary>Polls (advancing the clock by <paramref name="step"/> between tries) until the condition holds, for at most 15 s of real time.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? step = null) =>
        Orders.OrderFixtures.WaitUntilAsync(condition, what, step is { } advance ? () => Time.Advance(advance) : null, TimeSpan.FromSeconds(15));

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
