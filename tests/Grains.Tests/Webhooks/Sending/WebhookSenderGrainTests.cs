using System.Globalization;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;
using Granary.Runtime.Testing;

namespace Granary.Grains.Tests.Webhooks.Sending;

/// <summary>Real HTTP from the sender grain to a Kestrel receiver on loopback.</summary>
public sealed class WebhookSenderGrainTests
{
    private const string Body = """{"type":"order.created","data":{"id":"ord_1","customer":"Zoë"}}""";
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    private static Task<TestCluster> Cluster(params (string Key, string Value)[] settings) =>
        GrainTestCluster.StartAsync(configuration: settings.ToDictionary(s => "Webhooks:" + s.Key, s => (string?)s.Value));

    private static Task<TestCluster> LoopbackAllowed(params (string Key, string Value)[] settings) =>
        Cluster([("AllowedTargets:0", "127.0.0.1/32"), .. settings]);

    private static Task<WebhookSendResult> Send(TestCluster cluster, string url, params string[] secrets) =>
        cluster.GrainFactory.GetGrain<IWebhookSenderGrain>(0).Send(new WebhookSendRequest(url, "msg_evt1_ep1", At, Body, secrets));

    [Fact]
    public async Task Send_To2xx_SucceedsWithStatusAndLatencyAndVerifiableStandardHeaders()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await LoopbackAllowed();
        var (current, previous) = (WebhookSignature.NewSecret(), WebhookSignature.NewSecret());

        var result = await Send(cluster, receiver.BaseUrl + "/ok", current, previous);

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
        await using var cluster = await LoopbackAllowed();

        var result = await Send(cluster, receiver.BaseUrl + "/fail", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Equal(500, result.StatusCode);
        Assert.True(WebhookReceiver.FailureBody.Length > new WebhookOptions().MaxLoggedResponseChars);
        Assert.Equal(WebhookReceiver.FailureBody[..new WebhookOptions().MaxLoggedResponseChars], result.ResponseBody);
    }

    [Fact]
    public async Task Send_To410_IsGone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await LoopbackAllowed();

        var result = await Send(cluster, receiver.BaseUrl + "/gone", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Gone, result.Outcome);
        Assert.Equal(410, result.StatusCode);
    }

    [Fact]
    public async Task Send_ToARedirect_FailsAndNeverReachesTheRedirectTarget()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var elsewhere = await WebhookReceiver.StartAsync();
        receiver.RedirectTo = $"http://localhost:{elsewhere.Port}/ok";
        await using var cluster = await Cluster(("AllowedTargets:0", "127.0.0.1/32"), ("AllowedTargets:1", "localhost"));

        var result = await Send(cluster, receiver.BaseUrl + "/redirect", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Equal(302, result.StatusCode);
        Assert.Contains("redirects are not followed", result.Error);
        Assert.Single(receiver.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Send_ToAReceiverSlowerThanTheTimeout_FailsWithATimeout()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await LoopbackAllowed(("Timeout", "00:00:00.300"));

        var result = await Send(cluster, receiver.BaseUrl + "/slow", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Contains("timed out after 0.3 s", result.Error);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Send_ToAClosedPort_FailsWithTheConnectionError()
    {
        int port;
        await using (var gone = await WebhookReceiver.StartAsync())
        {
            port = gone.Port;
        }
        await using var cluster = await LoopbackAllowed();

        var result = await Send(cluster, $"http://127.0.0.1:{port}/ok", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Failed, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/ok")]
    [InlineData("http://localhost:{0}/ok")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/ok")]
    public async Task Send_ToLoopbackWithoutAllowList_IsRefusedAndNeverReachesTheTarget(string url)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await Cluster();

        var result = await Send(cluster, string.Format(CultureInfo.InvariantCulture, url, receiver.Port), WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Refused, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Contains("loopback", result.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Send_ToAHostNameOnTheAllowList_ReachesItWhateverItResolvesTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await Cluster(("AllowedTargets:0", "LocalHost"));

        var result = await Send(cluster, $"http://localhost:{receiver.Port}/ok", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Success, result.Outcome);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Send_ToAMalformedUrl_IsRefusedWithTheReason()
    {
        await using var cluster = await Cluster();

        var result = await Send(cluster, "ftp://example.com/hooks", WebhookSignature.NewSecret());

        Assert.Equal(WebhookSendOutcome.Refused, result.Outcome);
        Assert.Contains("only http and https", result.Error);
    }
}
