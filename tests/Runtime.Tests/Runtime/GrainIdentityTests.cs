using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Runtime;

public sealed class GrainIdentityTests
{
    [Fact]
    public async Task GetGrain_WithEachKeyKind_ReachesTheGrainWithThatKey()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var guid = Guid.NewGuid();

        Assert.Equal("order-17", await cluster.GrainFactory.GetGrain<IStringKeyGrain>("order-17").Key());
        Assert.Equal(guid, await cluster.GrainFactory.GetGrain<IGuidKeyGrain>(guid).Key());
        Assert.Equal(-42L, await cluster.GrainFactory.GetGrain<IIntegerKeyGrain>(-42).Key());
    }

    [Fact]
    public async Task GrainIds_UseTypeNameAndCanonicalKey()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var guid = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");

        var byString = (Messaging.GrainReference)(object)cluster.GrainFactory.GetGrain<IStringKeyGrain>("a/b");
        var byGuid = (Messaging.GrainReference)(object)cluster.GrainFactory.GetGrain<IGuidKeyGrain>(guid);
        var byInteger = (Messaging.GrainReference)(object)cluster.GrainFactory.GetGrain<IIntegerKeyGrain>(7);

        Assert.Equal("stringkey/a/b", byString.GrainId.ToString());
        Assert.Equal("guidkey/6f9619ff8b86d011b42d00c04fc964ff", byGuid.GrainId.ToString());
        Assert.Equal("numbered/7", byInteger.GrainId.ToString());
        Assert.Equal(new GrainId("stringkey", "a/b"), GrainId.Parse("stringkey/a/b"));
    }

    [Fact]
    public void StableHash_IsTheSameInEveryProcess()
    {
        // These values are part of the storage and placement contract: a change would move every grain and reminder.
        Assert.Equal(13698733652174537967UL, new GrainId("order", "42").Hash);
        Assert.Equal(StableHash.Compute("order", "42"), new GrainId("order", "42").Hash);
        Assert.NotEqual(StableHash.Compute("ab", "c"), StableHash.Compute("a", "bc"));
    }

    [Fact]
    public async Task References_ToTheSameGrain_AreEqual()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());

        Assert.Equal(
            cluster.GrainFactory.GetGrain<IStringKeyGrain>("same"),
            cluster.GrainFactory.GetGrain<IStringKeyGrain>("same"));
        Assert.NotEqual(
            cluster.GrainFactory.GetGrain<IStringKeyGrain>("same"),
            cluster.GrainFactory.GetGrain<IStringKeyGrain>("other"));
    }
}
