using System.Security.Cryptography;
using System.Text;
using Granary.Grains.Webhooks.Sending;

namespace Granary.Grains.Tests.Webhooks.Sending;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 24).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);
    private const string Id = "msg_evt1_ep1";
    private const long Timestamp = 1_750_000_000;
    private const string Body = """{"type":"order.created","data":{"customer":"Zoë"}}""";

    private static string Sign(params string[] secrets) => WebhookSignature.Sign(secrets, Id, Timestamp, Encoding.UTF8.GetBytes(Body));

    [Fact]
    public void Sign_IsV1AndTheBase64HmacSha256OfIdTimestampAndBody()
    {
        using var hmac = new HMACSHA256(Key);
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}")));

        Assert.Equal(expected, Sign(Secret));
    }

    [Fact]
    public void Sign_WithSeveralSecrets_GivesOneSignatureEachInOrderSpaceSeparated()
    {
        var other = WebhookSignature.NewSecret();

        var header = Sign(Secret, other);

        Assert.Equal([Sign(Secret), Sign(other)], header.Split(' '));
        Assert.True(WebhookSignature.Verify(Secret, Id, "1750000000", Body, header));
        Assert.True(WebhookSignature.Verify(other, Id, "1750000000", Body, header));
    }

    [Fact]
    public void Verify_AcceptsTheSendersSignature() =>
        Assert.True(WebhookSignature.Verify(Secret, Id, "1750000000", Body, Sign(Secret)));

    [Theory]
    [InlineData("msg_other", "1750000000", Body)]
    [InlineData(Id, "1750000001", Body)]
    [InlineData(Id, "1750000000", """{"type":"order.created","data":{"customer":"Zoe"}}""")]
    public void Verify_RejectsAnyChangeOfIdTimestampOrBody(string id, string timestamp, string body) =>
        Assert.False(WebhookSignature.Verify(Secret, id, timestamp, body, Sign(Secret)));

    [Fact]
    public void Verify_RejectsAnotherSecretsSignature() =>
        Assert.False(WebhookSignature.Verify(Secret, Id, "1750000000", Body, Sign(WebhookSignature.NewSecret())));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1,not-base64!")]
    [InlineData("v2,AAAA")]
    [InlineData("v1,AAAA")]
    public void Verify_RejectsMissingOrMalformedHeaders(string? header) =>
        Assert.False(WebhookSignature.Verify(Secret, Id, "1750000000", Body, header));

    [Fact]
    public void NewSecret_IsWhsecAndTwentyFourRandomBytes()
    {
        var first = WebhookSignature.NewSecret();

        Assert.StartsWith("whsec_", first);
        Assert.Equal(24, WebhookSignature.DecodeSecret(first).Length);
        Assert.NotEqual(first, WebhookSignature.NewSecret());
    }

    [Theory]
    [InlineData("c2VjcmV0")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    public void DecodeSecret_RejectsWhatIsNotWhsecAndBase64(string secret) =>
        Assert.Contains("whsec_", Assert.Throws<FormatException>(() => WebhookSignature.DecodeSecret(secret)).Message);
}
