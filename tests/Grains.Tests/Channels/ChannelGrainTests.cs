using System.Text;
using Granary.Grains.Channels;
using Granary.Grains.Orders;

namespace Granary.Grains.Tests.Channels;

public sealed class ChannelGrainTests : IAsyncLifetime
{
    private const string Org = "org1";
    private const string Secret = "chs_secret-1";
    private Runtime.Testing.TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.GrainFactory;

    public async Task InitializeAsync() => _cluster = await GrainTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static (string Timestamp, string Signature) Sign(string secret, byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return (now.ToString(System.Globalization.CultureInfo.InvariantCulture), ChannelSignature.Sign(secret, now, body));
    }

    private async Task<IChannelGrain> CreateAsync(string id, ChannelKind kind = ChannelKind.Generic)
    {
        var channel = Grains.GetGrain<IChannelGrain>(id);
        Assert.NotNull(await channel.Create(new NewChannel(Org, kind, "Shop", Secret)));
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
        var channel = await CreateAsync("ch_a");

        var first = await ReceiveAsync(channel, ChannelPayloadsTests.Generic);
        var second = await ReceiveAsync(channel, ChannelPayloadsTests.Generic.Replace("\"quantity\":2", "\"quantity\":5"));

        Assert.Equal(ChannelReceiveStatus.Created, first.Status);
        Assert.Equal(ChannelReceiveStatus.Existing, second.Status);
        Assert.Equal(first.Order!.Id, second.Order!.Id);
        Assert.Equal(2, second.Order.Lines[0].Quantity);
        var stored = await Grains.GetGrain<IOrderGrain>(OrderKey.For(Org, first.Order.Id)).Get();
        Assert.Equal(("ch_a", "SHOP-1001", OrderStatus.Pending, 28.00m), (stored!.Channel, stored.ExternalId, stored.Status, stored.Total));
    }

    [Fact]
    public async Task Receive_SameExternalIdOnAnotherChannel_IsAnotherOrder()
    {
        var first = await ReceiveAsync(await CreateAsync("ch_a"), ChannelPayloadsTests.Generic);
        var second = await ReceiveAsync(await CreateAsync("ch_b"), ChannelPayloadsTests.Generic);

        Assert.Equal(ChannelReceiveStatus.Created, second.Status);
        Assert.NotEqual(first.Order!.Id, second.Order!.Id);
    }

    [Fact]
    public async Task Receive_MarketplaceChannel_NormalisesItsFormat()
    {
        var result = await ReceiveAsync(await CreateAsync("ch_m", ChannelKind.Marketplace), ChannelPayloadsTests.Marketplace);

        Assert.Equal(ChannelReceiveStatus.Created, result.Status);
        Assert.Equal(("MK-77", 37.60m, "ch_m"), (result.Order!.ExternalId, result.Order.Total, result.Order.Channel));
    }

    [Fact]
    public async Task Receive_BadSignatureUnknownOrDisabledChannel_IsUnauthorized()
    {
        var channel = await CreateAsync("ch_a");
        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic, "chs_wrong")).Status);
        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(Grains.GetGrain<IChannelGrain>("ch_none"), ChannelPayloadsTests.Generic)).Status);

        await channel.Disable();
        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic)).Status);
        Assert.False((await channel.Get())!.Enabled);
    }

    [Fact]
    public async Task RotateSecret_OldSecretFails_NewWorks()
    {
        var channel = await CreateAsync("ch_a");

        await channel.RotateSecret("chs_secret-2");

        Assert.Equal(ChannelReceiveStatus.Unauthorized, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic)).Status);
        Assert.Equal(ChannelReceiveStatus.Created, (await ReceiveAsync(channel, ChannelPayloadsTests.Generic, "chs_secret-2")).Status);
    }

    [Fact]
    public async Task Receive_InvalidPayload_NamesTheField()
    {
        var result = await ReceiveAsync(await CreateAsync("ch_a"), ChannelPayloadsTests.Generic.Replace("\"quantity\":2", "\"quantity\":-1"));

        Assert.Equal((ChannelReceiveStatus.Invalid, "lines[0].quantity"), (result.Status, result.Field));
    }

    [Fact]
    public async Task CreateDisableRotate_KeepTheOrganizationsListCurrent()
    {
        var a = await CreateAsync("ch_a");
        await CreateAsync("ch_b", ChannelKind.Marketplace);
        Assert.Null(await a.Create(new NewChannel(Org, ChannelKind.Generic, "Again", "chs_x")));

        await a.Disable();

        var list = await Grains.GetGrain<IOrganizationChannelsGrain>(Org).List();
        Assert.Equal([("ch_a", false), ("ch_b", true)], list.Select(c => (c.Id, c.Enabled)));
        Assert.Equal(ChannelKind.Marketplace, list[1].Kind);
    }
}
