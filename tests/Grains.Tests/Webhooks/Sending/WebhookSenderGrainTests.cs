using System.Globalization;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;

namespace Granary.Grains.Tests.Webhooks.Sending;

/// <summary>
/// Real HTTP from the sender grain to a Kestrel receiver on loopback. The sender's settings are read at silo start,
/// so the tests are grouped by the settings they need, one cluster per group; grains read real time (timeouts).
/// </summary>
internal static class SenderCalls
{
    public const string Body = """{"type":"order.created","data":{"id":"ord_1","customer":"Zoë"}}""";
    public static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    public static Task<WebhookSendResult> Send(this ClusterFixture fixture, string url, params string[] secrets) =>
        fixture.Grains.GetGrain<IWebhookSenderGrain>(0).Send(new WebhookSendRequest(url, "msg_evt1_ep1", At, Body, secrets));

    public static Action<GranaryClusterOptions> Webhooks(params (string Key, string Value)[] settings) => options =>
    {
        options.GrainClock = TimeProvider.System;
        options.Set([.. settings.Select(s => ("Webhooks:" + s.Key, (string?)s.Value))]);
    };
}

/// <summary>Loopback (127.0.0.1/32) allowed.</summary>
public sealed class WebhookSenderGrainTests(WebhookSenderGrainTests.Fixture fixture) : IClassFixture<WebhookSenderGrainTests.Fixture>
{
    private const string Body = SenderCalls.Body;
    private static readonly DateTimeOffset At = SenderCalls.At;

    public sealed class Fixture() : ClusterFixture(SenderCalls.Webhooks(("AllowedTargets:0", "127.0.0.1/32")));

    [Fact]
    public async Task Send_To2xx_SucceedsWithStatusAndLatencyAndVerifiableStandardHeaders()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (current, previous) = (WebhookSignature.NewSecret(), WebhookSignature.NewSecret());

        var result = await fixture.Send(receiver.BaseUrl + "/ok", current, previous);

        Assert.Equal(WebhookSendOutcome.Success, result.Outcome);
        Assert.Equal(204, result.StatusCode);
        Assert.True(result.LatencyMs > 0);
        Assert.Null(result.Error);
        var received = Assert.Single(receiver.Requests);
        Assert.Equal(Body, received.Body);
        Assert.Equal("msg_evt1_ep1", received.Headers["webhook-id"]);
        Assert.Equal(At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), received.Headers["webhook-timestamp"]);
        Assert.Equal("application/json", received.Headers["Content-Type"]);
        Assert.Equal("Granary-Webhooks/1.0", received.Headers["User-Agent"]);
        foreach (var secret in new[] { current, previous })
        {
            Assert.True(WebhookSignature.Verify(secret, received.Headers["webhook-id"], received.Headers["webhook-timestamp"], received.Body, received.Headers["webhook-signature"]));
        }
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), received.Headers["webhook-id"], received.Headers["webhook-timestamp"], received.Body, received.Headers["webhook-signature"]));
    }

    [Fact]
    public async Task Send_To500_FailsWithTheStatusAndTheBodyCutToTheLoggedLength()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var result = await fixture.Send(receiver.BaseUrl + "/fail", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Equal(500, result.StatusCode);
        Assert.True(WebhookReceiver.FailureBody.Length > new WebhookOptions().MaxLoggedResponseChars);
        Assert.Equal(WebhookReceiver.FailureBody[..new WebhookOptions().MaxLoggedResponseChars], result.ResponseBody);
    }

    [Fact]
    public async Task Send_To410_IsGone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var result = await fixture.Send(receiver.BaseUrl + "/gone", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Gone, result.Outcome);
        Assert.Equal(410, result.StatusCode);
    }

    [Fact]
    public async Task Send_ToARedirect_FailsAndNeverReachesTheRedirectTarget()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var elsewhere = await WebhookReceiver.StartAsync();
        receiver.RedirectTo = $"http://127.0.0.1:{elsewhere.Port}/ok";

        var result = await fixture.Send(receiver.BaseUrl + "/redirect", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Equal(302, result.StatusCode);
        Assert.Contains("redirects are not followed", result.Error);
        Assert.Single(receiver.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Send_ToAClosedPort_FailsWithTheConnectionError()
    {
        int port;
        await using (var gone = await WebhookReceiver.StartAsync())
        {
            port = gone.Port;
        }

        var result = await fixture.Send($"http://127.0.0.1:{port}/ok", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }
}

/// <summary>Loopback allowed, attempts cut after 0.3 s.</summary>
public sealed class WebhookSenderTimeoutTests(WebhookSenderTimeoutTests.Fixture fixture) : IClassFixture<WebhookSenderTimeoutTests.Fixture>
{
    public sealed class Fixture() : ClusterFixture(SenderCalls.Webhooks(("AllowedTargets:0", "127.0.0.1/32"), ("Timeout", "00:00:00.300")));

    [Fact]
    public async Task Send_ToAReceiverSlowerThanTheTimeout_FailsWithATimeout()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // A first exchange opens the pooled connection, so the 0.3 s measure the receiver's slowness, not a cold
        // connection on a busy machine (the request must reach the receiver before the attempt is cut).
        await Poll.UntilAsync(async () => (await fixture.Send(receiver.BaseUrl + "/ok", WebhookSignature.NewSecret())).Outcome == WebhookSendOutcome.Success,
            "a first request to the receiver to succeed within 0.3 s");

        var result = await fixture.Send(receiver.BaseUrl + "/slow", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Contains("timed out after 0.3 s", result.Error);
        Assert.Single(receiver.Requests, r => r.Path == "slow");
    }
}

/// <summary>No allow list: loopback and private targets are refused.</summary>
public sealed class WebhookSenderWithoutAllowListTests(WebhookSenderWithoutAllowListTests.Fixture fixture) : IClassFixture<WebhookSenderWithoutAllowListTests.Fixture>
{
    public sealed class Fixture() : ClusterFixture(SenderCalls.Webhooks());

    [Theory]
    [InlineData("http://127.0.0.1:{0}/ok")]
    [InlineData("http://localhost:{0}/ok")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/ok")]
    public async Task Send_ToLoopbackWithoutAllowList_IsRefusedAndNeverReachesTheTarget(string url)
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var result = await fixture.Send(string.Format(CultureInfo.InvariantCulture, url, receiver.Port), WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Refused, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Contains("loopback", result.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_ToAMalformedUrl_IsRefusedWithTheReason()
    {
        var result = await fixture.Send("ftp://example.com/hooks", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Refused, result.Outcome);
        Assert.Contains("only http and https", result.Error);
    }
}

/// <summary>A host name on the allow list, written in another case.</summary>
public sealed class WebhookSenderAllowedHostTests(WebhookSenderAllowedHostTests.Fixture fixture) : IClassFixture<WebhookSenderAllowedHostTests.Fixture>
{
    public sealed class Fixture() : ClusterFixture(SenderCalls.Webhooks(("AllowedTargets:0", "LocalHost")));

    [Fact]
    public async Task Send_ToAHostNameOnTheAllowList_ReachesItWhateverItResolvesTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var result = await fixture.Send($"http://localhost:{receiver.Port}/ok", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Success, result.Outcome);
        Assert.Single(receiver.Requests);
    }
}
