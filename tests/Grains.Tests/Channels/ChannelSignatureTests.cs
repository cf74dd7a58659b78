using System.Text;
using Granary.Grains.Channels;

namespace Granary.Grains.Tests.Channels;

public sealed class ChannelSignatureTests
{
    private const string Secret = "chs_test-secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"externalId":"E-1"}""");

    private static string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Verify_AcceptsTheSendersSignature()
    {
        var signature = ChannelSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.StartsWith("v1=", signature);
        Assert.Equal(SignatureCheck.Valid, ChannelSignature.Verify(Secret, Ts(Now), signature, Body, Now));
    }

    [Fact]
    public void Verify_AcceptsAMatchAmongSeveralSignatures()
    {
        var signature = "v1=" + new string('0', 64) + " " + ChannelSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.Equal(SignatureCheck.Valid, ChannelSignature.Verify(Secret, Ts(Now), signature, Body, Now));
    }

    [Fact]
    public void Verify_RejectsAnotherSecret() =>
        Assert.Equal(SignatureCheck.Mismatch, ChannelSignature.Verify(Secret, Ts(Now), ChannelSignature.Sign("chs_other", Now.ToUnixTimeSeconds(), Body), Body, Now));

    [Fact]
    public void Verify_RejectsATamperedBody()
    {
        var signature = ChannelSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.Equal(SignatureCheck.Mismatch, ChannelSignature.Verify(Secret, Ts(Now), signature, Encoding.UTF8.GetBytes("""{"externalId":"E-2"}"""), Now));
    }

    [Fact]
    public void Verify_RejectsATamperedTimestamp()
    {
        var signature = ChannelSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.Equal(SignatureCheck.Mismatch, ChannelSignature.Verify(Secret, Ts(Now.AddSeconds(1)), signature, Body, Now));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_RejectsTimestampsMoreThanFiveMinutesAwayEitherWay(int offsetSeconds)
    {
        var at = Now.AddSeconds(offsetSeconds);
        var signature = ChannelSignature.Sign(Secret, at.ToUnixTimeSeconds(), Body);

        Assert.Equal(SignatureCheck.Stale, ChannelSignature.Verify(Secret, Ts(at), signature, Body, Now));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_AcceptsTimestampsAtTheEdgeOfTheTolerance(int offsetSeconds)
    {
        var at = Now.AddSeconds(offsetSeconds);

        Assert.Equal(SignatureCheck.Valid, ChannelSignature.Verify(Secret, Ts(at), ChannelSignature.Sign(Secret, at.ToUnixTimeSeconds(), Body), Body, Now));
    }

    [Theory]
    [InlineData(null, "v1=00", SignatureCheck.Missing)]
    [InlineData("1750000000", null, SignatureCheck.Missing)]
    [InlineData("-5", "v1=00", SignatureCheck.Malformed)]
    [InlineData("12.5", "v1=00", SignatureCheck.Malformed)]
    [InlineData("1750000000", "v1=zz", SignatureCheck.Mismatch)]
    [InlineData("1750000000", "sha256=abc", SignatureCheck.Mismatch)]
    public void Verify_RejectsMissingOrMalformedHeaders(string? timestamp, string? signature, SignatureCheck expected) =>
        Assert.Equal(expected, ChannelSignature.Verify(Secret, timestamp, signature, Body, Now));
}
