using System.Net;
using Granary.Grains.Webhooks.Sending;

namespace Granary.Grains.Tests.Webhooks.Sending;

public sealed class TargetAddressPolicyTests
{
    private static readonly TargetAddressPolicy Strict = new([]);

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.9.8.7", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("::ffff:192.168.1.10", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("169.254.169.254", "metadata")]
    [InlineData("::ffff:169.254.169.254", "metadata")]
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("169.254.10.20", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    public void IsAllowed_RefusesReservedAddressesNamingWhy(string address, string kind)
    {
        Assert.False(Strict.IsAllowed(IPAddress.Parse(address), out var reason));
        Assert.Contains(kind, reason);
        Assert.Contains("Webhooks:AllowedTargets", reason);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    public void IsAllowed_AcceptsPublicAddresses(string address)
    {
        Assert.True(Strict.IsAllowed(IPAddress.Parse(address), out var reason));
        Assert.Null(reason);
    }

    [Fact]
    public void AllowList_CidrRangeAllowsOnlyItsAddressesIncludingTheirIpv4MappedForm()
    {
        var policy = new TargetAddressPolicy(["127.0.0.0/8", "10.1.2.3"]);

        Assert.True(policy.IsAllowed(IPAddress.Parse("127.0.0.1"), out _));
        Assert.True(policy.IsAllowed(IPAddress.Parse("::ffff:127.0.0.2"), out _));
        Assert.True(policy.IsAllowed(IPAddress.Parse("10.1.2.3"), out _));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.1.2.4"), out _));
        Assert.False(policy.IsAllowed(IPAddress.Parse("::1"), out _));
        Assert.False(policy.IsAllowed(IPAddress.Parse("169.254.169.254"), out _));
    }

    [Fact]
    public void AllowList_HostNameMatchesCaseInsensitively()
    {
        var policy = new TargetAddressPolicy(["Receiver.Internal", "localhost"]);

        Assert.True(policy.IsHostAllowed("receiver.internal"));
        Assert.True(policy.IsHostAllowed("RECEIVER.INTERNAL."));
        Assert.False(policy.IsHostAllowed("other.internal"));
        Assert.Null(policy.CheckUrl("http://LocalHost:8080/hooks"));
        Assert.NotNull(Strict.CheckUrl("http://LocalHost:8080/hooks"));
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("300.1.1.1/32")]
    [InlineData("not a host!")]
    public void AllowList_RefusesEntriesThatAreNeitherRangesNorHostNames(string entry) =>
        Assert.Contains(entry, Assert.Throws<ArgumentException>(() => new TargetAddressPolicy([entry])).Message);

    [Theory]
    [InlineData("ftp://example.com/hooks", "scheme")]
    [InlineData("file:///etc/passwd", "scheme")]
    [InlineData("/hooks/orders", "absolute")]
    [InlineData("hooks/orders", "absolute")]
    [InlineData("example.com/hooks", "absolute")]
    [InlineData("", "empty")]
    [InlineData("https://user:secret@example.com/hooks", "user name")]
    [InlineData("https://user@example.com/hooks", "user name")]
    [InlineData("http://127.0.0.1:8080/hooks", "loopback")]
    [InlineData("http://[::1]/hooks", "loopback")]
    [InlineData("http://[::ffff:10.0.0.1]/hooks", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data", "metadata")]
    [InlineData("http://localhost/hooks", "local machine")]
    public void CheckUrl_RefusesWithAReason(string url, string reason) =>
        Assert.Contains(reason, Strict.CheckUrl(url));

    [Theory]
    [InlineData("https://example.com/hooks?source=granary")]
    [InlineData("http://93.184.216.34:8080/hooks")]
    [InlineData("https://[2606:4700:4700::1111]/hooks")]
    public void CheckUrl_AcceptsPublicHttpAndHttpsUrls(string url) =>
        Assert.Null(Strict.CheckUrl(url));
}
