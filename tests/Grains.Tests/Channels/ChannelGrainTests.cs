using System.Text;
using Granary.Grains.Channels;
using Granary.Grains.Orders;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Tests.Orders;

namespace Granary.Grains.Tests.Channels;

/// <summary>Channel grains on real time (inbound signatures carry wall-clock timestamps); each test has its own organization and channels.</summary>
public sealed class ChannelGrainTests(RealClockFixture fixture) : IClassFixture<RealClockFixture>
{
    private const string Secret = "chs_secret-1";
    private readonly string _org = OrderFixtures.NewOrg();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private IGrainFactory Grains => fixture.Grains;

    /// <summary>The channel id <paramref name="name"/> of this test (channel ids are global keys).</summary>
    private string Id(string name) => $"{name}_{_run}";

    private static (string Timestamp, string Signature) Sign(string secret, byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (now.ToString(System.Globalization.CultureInfo.InvariantCulture), ChannelSignature.Sign(secret, now, body));
    }

    private async Task<IChannelGrain> CreateAsync(string id, ChannelKind kind = ChannelKind.Generic)
    {
        var channel = Grains.GetGrain<IChannelGrain>(id);
        Assert.NotNull(await channel.Create(new NewChannel(_org, kind, "Shop", Secret)));
        return channel;
    }

    private static Task<ChannelReceiveResult> ReceiveAsync(IChannelGrain channel, string json, string secret = Secret)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var (timestamp, signature) = Sign(secret, body);
        return channel.Receive(timestamp, signature, body);
    }

    [Fact]
    public async Task Receive_SameExternalIdTwice_CreatesOneOrder()
    {
        var channel = await CreateAsync(Id("ch_a"));

        var first = await ReceiveAsync(channel, ChannelPayloadsTests.Generic);
        var second = await ReceiveAsync(channel, ChannelPayloadsTests.Generic.Replace("\"quantity\":2", "\"quantity\":5"));

        Assert.Equal(ChannelReceiveStatus.Created, first.Status);
        Assert.Equal(ChannelReceiveStatus.Existing, second.Status);
        Assert.Equal(first.Order!.Id, second.Order!.Id);
        Assert.Equal(2, second.Order.Lines[0].Quantity);
        var stored = await Grains.GetGrain<IOrderGrain>(OrderKey.For(_org, first.Order.Id)).Get();
        Assert.Equal((Id("ch_a"), "SHOP-1001", OrderStatus.Pending, 28.00m), (stored!.Channel, stored.ExternalId, stored.Status, stored.Total));
    }

    [Fact]
    public async Task Receive_SameExternalIdOnAnotherChannel_IsAnotherOrder()
    {
        var first = await ReceiveAsync(await CreateAsync(Id("ch_a")), ChannelPayloadsTests.Generic);
        var second = await ReceiveAsync(await CreateAsync(Id("ch_b")), ChannelPayloadsTests.Generic);

        Assert.Equal(ChannelReceiveStatus.Created, second.Status);
        Assert.NotEqual(first.Order!.Id, second.Order!.Id);
    }

    [Fact]
    public async Task Receive_MarketplaceChannel_NormalisesItsFormat()
    {
        var result = await ReceiveAsync(await CreateAsync(Id("ch_m"), ChannelKind.Marketplace), ChannelPayloadsTests.Marketplace);

        Assert.Equal(ChannelReceiveStatus.Created, result.Status);
        Assert.Equal(("MK-77", 37.60m, Id("ch_m")), (result.Order!.ExternalId, result.Order.Total, result.Order.Channel));
    }

    [Fact]
    public async Task Receive_BadSignatureUnknownOrDisabledChannel_IsUnauthorized()
    {
        var channel = await CreateAsync(Id("ch_a"));
        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic, "chs_wrong")).Status);
        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(Grains.GetGrain<IChannelGrain>(Id("ch_none")), ChannelPayloadsTests.Generic)).Status);

        await channel.Disable();
        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic)).Status);
        Assert.False((await channel.Get())!.Enabled);
    }

    [Fact]
    public async Task RotateSecret_OldSecretFails_NewWorks()
    {
        var channel = await CreateAsync(Id("ch_a"));

        await channel.RotateSecret("chs_secret-2");

        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic)).Status);
        Assert.Equal(ChannelReceiveStatus.Created, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic, "chs_secret-2")).Status);
    }

    [Fact]
    public async Task Receive_InvalidPayload_NamesTheField()
    {
        var result = await ReceiveAsync(await CreateAsync(Id("ch_a")), ChannelPayloadsTests.Generic.Replace("\"quantity\":2", "\"quantity\":-1"));

        Assert.Equal((ChannelReceiveStatus.Invalid, "lines[0].quantity"), (result.Status, result.Field));
    }

    [Fact]
    public async Task CreateDisableRotate_KeepTheOrganizationsListCurrent()
    {
        var a = await CreateAsync(Id("ch_a"));
        await CreateAsync(Id("ch_b"), ChannelKind.Marketplace);
        Assert.Null(await a.Create(new NewChannel(_org, ChannelKind.Generic, "Again", "chs_x")));

        await a.Disable();

        var list = await Grains.GetGrain<IOrganizationChannelsGrain>(_org).List();
        Assert.Equal([(Id("ch_a"), false), (Id("ch_b"), true)], list.Select(c => (c.Id, c.Enabled)));
        Assert.Equal(ChannelKind.Marketplace, list[1].Kind);
    }
}
