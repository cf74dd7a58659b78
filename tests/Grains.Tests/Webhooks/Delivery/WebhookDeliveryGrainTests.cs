using Granary.Grains.Jobs;
using Granary.Grains.Webhooks;
using Granary.Grains.Tests.Webhooks.Sending;
using Granary.Grains.Webhooks.Sending;
using static Granary.Grains.Tests.Webhooks.Delivery.DeliveryFixture;

namespace Granary.Grains.Tests.Webhooks.Delivery;

/// <summary>One delivery grain per (event, endpoint): first attempt at once, retries on reminders, dead letters.</summary>
public sealed class WebhookDeliveryGrainTests
{
    private const string DeliveryId = "msg_evt1_ep1";

    [Fact]
    public async Task ReceiverFailingThreeTimes_GetsExactlyOneSuccessfulDelivery_WithAValidSignatureOnEveryAttempt()
    {
        await using var fixture = await StartAsync();
        fixture.Receiver.FailFirst = 3;
        var secret = await fixture.AddEndpointAsync("ep1", "flaky");
        var delivery = fixture.Delivery(DeliveryId);

        var first = await delivery.Start(NewDelivery("ep1"));
        Assert.Equal(JobStatus.Retrying, first.Status);
        Assert.Equal(1, first.AttemptCount);
        Assert.NotNull(first.NextAttemptAt);

        await fixture.WaitUntilAsync(async () => (await delivery.Get())!.Status == JobStatus.Succeeded, "the fourth attempt to succeed", TimeSpan.FromMinutes(1));

        var done = (await delivery.Get())!;
        Assert.Equal(4, done.AttemptCount);
        Assert.Null(done.NextAttemptAt);
        Assert.Equal([WebhookSendOutcome.Failed, WebhookSendOutcome.Failed, WebhookSendOutcome.Failed, WebhookSendOutcome.Success], done.Attempts.Select(a => a.Outcome));
        Assert.Equal([503, 503, 503, 200], done.Attempts.Select(a => a.StatusCode ?? 0));
        var received = fixture.Receiver.Requests.ToArray();
        Assert.Equal(4, received.Length);
        Assert.All(received, r =>
        {
            Assert.Equal(DeliveryId, r.Headers["webhook-id"]);
            Assert.True(WebhookSignature.Verify(secret, r.Headers["webhook-id"], r.Headers["webhook-timestamp"], r.Body, r.Headers["webhook-signature"]));
        });

        // Nothing more is sent later: the retry reminder is gone.
        fixture.Time.Advance(TimeSpan.FromDays(1));
        await Task.Delay(300);
        Assert.Equal(4, fixture.Receiver.Requests.Count);
    }

    [Fact]
    public async Task AlwaysFailing_IsDeadAfterTheLastAttemptOfTheSchedule_AndRedeliverSendsAgain()
    {
        await using var fixture = await StartAsync(settings: [("Webhooks:RetryDelays:0", "00:00:05"), ("Webhooks:RetryDelays:1", "00:00:30")]);
        await fixture.AddEndpointAsync("ep1", "fail");
        var delivery = fixture.Delivery(DeliveryId);

        await delivery.Start(NewDelivery("ep1"));
        await fixture.WaitUntilAsync(async () => (await delivery.Get())!.Status == JobStatus.Dead, "the delivery to be dead", TimeSpan.FromSeconds(5));

        var dead = (await delivery.Get())!;
        Assert.Equal(3, dead.AttemptCount);
        Assert.Equal(3, fixture.Receiver.Requests.Count);
        Assert.Equal(WebhookReceiver.FailureBody[..1024], dead.Attempts[^1].ResponseBody);

        await fixture.Endpoints.Update("ep1", new WebhookEndpointUpdate(Url: fixture.Receiver.BaseUrl + "/ok"));
        var again = (await delivery.Redeliver())!;
        Assert.Equal(JobStatus.Succeeded, again.Status);
        Assert.Equal(4, again.AttemptCount);
        Assert.Equal("ok", fixture.Receiver.Requests.Last().Path);
    }

    [Fact]
    public async Task Gone_DeadLettersAtOnce_AndDisablesTheEndpoint()
    {
        await using var fixture = await StartAsync();
        await fixture.AddEndpointAsync("ep1", "gone");

        var info = await fixture.Delivery(DeliveryId).Start(NewDelivery("ep1"));

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(410, info.Attempts.Single().StatusCode);
        var endpoint = (await fixture.Endpoints.Get("ep1"))!;
        Assert.False(endpoint.Enabled);
        Assert.Empty(await fixture.Endpoints.Matching("order.created"));
    }

    [Fact]
    public async Task StartingTheSameDeliveryTwice_SendsOnce()
    {
        await using var fixture = await StartAsync();
        await fixture.AddEndpointAsync("ep1", "ok");
        var delivery = fixture.Delivery(DeliveryId);

        var first = await delivery.Start(NewDelivery("ep1"));
        var second = await delivery.Start(NewDelivery("ep1"));

        Assert.Equal(JobStatus.Succeeded, first.Status);
        Assert.Equal(first, second);
        Assert.Single(fixture.Receiver.Requests);
    }

    [Fact]
    public async Task LoopbackTargetWithoutAllowList_IsRefusedAndDead_AndNothingIsSent()
    {
        await using var fixture = await StartAsync(allowLoopback: false);
        await fixture.AddEndpointAsync("ep1", "ok");

        var info = await fixture.Delivery(DeliveryId).Start(NewDelivery("ep1"));

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(WebhookSendOutcome.Refused, info.Attempts.Single().Outcome);
        Assert.Empty(fixture.Receiver.Requests);
    }

    [Fact]
    public async Task DeliveryToADeletedEndpoint_IsDeadWithTheReason()
    {
        await using var fixture = await StartAsync();
        await fixture.AddEndpointAsync("ep1", "ok");
        await fixture.Endpoints.Delete("ep1");

        var info = await fixture.Delivery(DeliveryId).Start(NewDelivery("ep1"));

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Contains("deleted", info.Attempts.Single().Error, StringComparison.Ordinal);
        Assert.Empty(fixture.Receiver.Requests);
    }
}
