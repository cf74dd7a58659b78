using Granary.Grains.Jobs;
using Granary.Grains.Tests.Webhooks.Sending;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Delivery;
using Granary.Grains.Webhooks.Sending;

namespace Granary.Grains.Tests.Webhooks.Delivery;

/// <summary>
/// One delivery grain per (event, endpoint): first attempt at once, retries on a due reminder, dead letters. Retries
/// follow the default schedule (5 s, 5 min, …); the tests check the reminder is registered and deliver its ticks at
/// each next attempt. (Real ticks: <see cref="WebhookDeliveryRetryReminderTests"/>.)
/// </summary>
public sealed class WebhookDeliveryGrainTests(DeliveryClusterFixture fixture) : IClassFixture<DeliveryClusterFixture>
{
    private readonly DeliveryScope _scope = new(fixture);

    [Fact]
    public async Task ReceiverFailingThreeTimes_GetsExactlyOneSuccessfulDelivery_WithAValidSignatureOnEveryAttempt()
    {
        _scope.Receiver.FailFirst = 3;
        var secret = await _scope.AddEndpointAsync("ep1", "flaky");
        var deliveryId = _scope.DeliveryId("ep1");
        var delivery = _scope.Delivery(deliveryId);
        var before = DateTime.UtcNow;

        var first = await delivery.Start(_scope.NewDelivery("ep1"));
        Assert.Equal(JobStatus.Retrying, first.Status);
        Assert.Equal(1, first.AttemptCount);
        Assert.NotNull(first.NextAttemptAt);
        var reminder = await _scope.Cluster.ReminderAsync(delivery, WebhookDeliveryGrain.RetryReminder);
        Assert.NotNull(reminder);
        Assert.InRange(reminder.StartAt, before + TimeSpan.FromSeconds(5), DateTime.UtcNow + TimeSpan.FromSeconds(5));

        for (var tick = 0; tick < 10 && (await delivery.Get())! is { Status: JobStatus.Retrying } retrying; tick++)
        {
            fixture.Time.SetUtcNow(retrying.NextAttemptAt!.Value);
            await _scope.Cluster.TickAsync(delivery, WebhookDeliveryGrain.RetryReminder);
        }

        var done = (await delivery.Get())!;
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(4, done.AttemptCount);
        Assert.Null(done.NextAttemptAt);
        Assert.Equal([WebhookSendOutcome.Failed, WebhookSendOutcome.Failed, WebhookSendOutcome.Failed, WebhookSendOutcome.Success], done.Attempts.Select(a => a.Outcome));
        Assert.Equal([503, 503, 503, 200], done.Attempts.Select(a => a.StatusCode ?? 0));
        var received = _scope.Requests;
        Assert.Equal(4, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal(deliveryId, r.Headers["webhook-id"]);
            Assert.True(WebhookSignature.Verify(secret, r.Headers["webhook-id"], r.Headers["webhook-timestamp"], r.Body, r.Headers["webhook-signature"]));
        });

        // Nothing more is sent later: the retry reminder is gone.
        Assert.Null(await _scope.Cluster.ReminderAsync(delivery, WebhookDeliveryGrain.RetryReminder));
    }

    [Fact]
    public async Task Gone_DeadLettersAtOnce_AndDisablesTheEndpoint()
    {
        await _scope.AddEndpointAsync("ep1", "gone");

        var info = await _scope.Delivery(_scope.DeliveryId("ep1")).Start(_scope.NewDelivery("ep1"));

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(410, info.Attempts.Single().StatusCode);
        var endpoint = (await _scope.Endpoints.Get("ep1"))!;
        Assert.False(endpoint.Enabled);
        Assert.Empty(await _scope.Endpoints.Matching("order.created"));
    }

    [Fact]
    public async Task StartingTheSameDeliveryTwice_SendsOnce()
    {
        await _scope.AddEndpointAsync("ep1", "ok");
        var delivery = _scope.Delivery(_scope.DeliveryId("ep1"));

        var first = await delivery.Start(_scope.NewDelivery("ep1"));
        var second = await delivery.Start(_scope.NewDelivery("ep1"));

        Assert.Equal(JobStatus.Succeeded, first.Status);
        // Each answer is deserialized apart, so the attempt lists are compared item by item.
        Assert.Equal(first, second with { Attempts = first.Attempts });
        Assert.Equal(first.Attempts, second.Attempts);
        Assert.Single(_scope.Requests);
    }

    [Fact]
    public async Task DeliveryToADeletedEndpoint_IsDeadWithTheReason()
    {
        await _scope.AddEndpointAsync("ep1", "ok");
        await _scope.Endpoints.Delete("ep1");

        var info = await _scope.Delivery(_scope.DeliveryId("ep1")).Start(_scope.NewDelivery("ep1"));

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Contains("deleted", info.Attempts.Single().Error, StringComparison.Ordinal);
        Assert.Empty(_scope.Requests);
    }
}

/// <summary>Retries driven by Orleans's reminder service itself: a 1 s then 2 s schedule, the minimum reminder period lowered to 1 s.</summary>
public sealed class WebhookDeliveryRetryReminderTests(WebhookDeliveryRetryReminderTests.Fixture fixture) : IClassFixture<WebhookDeliveryRetryReminderTests.Fixture>
{
    private readonly DeliveryScope _scope = new(fixture);

    [Fact]
    public async Task AlwaysFailing_IsDeadAfterTheLastAttemptOfTheSchedule_AndRedeliverSendsAgain()
    {
        await _scope.AddEndpointAsync("ep1", "fail");
        var delivery = _scope.Delivery(_scope.DeliveryId("ep1"));

        await delivery.Start(_scope.NewDelivery("ep1"));
        await Poll.UntilAsync(async () => (await delivery.Get())!.Status == JobStatus.Dead, "the retry reminder's ticks to make the delivery dead", TimeSpan.FromSeconds(20));

        var dead = (await delivery.Get())!;
        Assert.Equal(3, dead.AttemptCount);
        Assert.Equal(3, _scope.Requests.Count);
        Assert.Equal(WebhookReceiver.FailureBody[..1024], dead.Attempts[^1].ResponseBody);
        Assert.Null(await _scope.Cluster.ReminderAsync(delivery, WebhookDeliveryGrain.RetryReminder));

        await _scope.Endpoints.Update("ep1", new WebhookEndpointUpdate(Url: _scope.Receiver.BaseUrl + "/ok"));
        var again = (await delivery.Redeliver())!;
        Assert.Equal(JobStatus.Succeeded, again.Status);
        Assert.Equal(4, again.AttemptCount);
        Assert.Equal("ok", _scope.Requests[^1].Path);
    }

    public sealed class Fixture() : DeliveryClusterFixture(allowLoopback: true, options =>
    {
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.Set(("Webhooks:RetryDelays:0", "00:00:01"), ("Webhooks:RetryDelays:1", "00:00:02"));
    });
}

/// <summary>Without an allow list, loopback targets are refused.</summary>
public sealed class WebhookDeliveryWithoutAllowListTests(WebhookDeliveryWithoutAllowListTests.Fixture fixture) : IClassFixture<WebhookDeliveryWithoutAllowListTests.Fixture>
{
    private readonly DeliveryScope _scope = new(fixture);

    [Fact]
    public async Task LoopbackTargetWithoutAllowList_IsRefusedAndDead_AndNothingIsSent()
    {
        await _scope.AddEndpointAsync("ep1", "ok");

        var info = await _scope.Delivery(_scope.DeliveryId("ep1")).Start(_scope.NewDelivery("ep1"));

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(WebhookSendOutcome.Refused, info.Attempts.Single().Outcome);
        Assert.Empty(_scope.Receiver.Requests);
    }

    public sealed class Fixture() : DeliveryClusterFixture(allowLoopback: false, _ => { });
}
