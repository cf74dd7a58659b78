using Orleans.Runtime;

namespace Granary.Hosting.Tests;

/// <summary>
/// The silo's grain factory keeps, per interface, the grain type and interface type it found on the first reference;
/// the references it builds from them afterwards are the references Orleans makes, to the same grains.
/// </summary>
public sealed class GrainFactoryTests
{
    [Fact]
    public async Task StringKeyReferences_AfterTheFirst_ReachTheSameGrainsAsOrleansReferences()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, EmbeddedProfileTests.Ports());
        var key = TestServices.UniqueName("factory");
        Assert.IsType<CachedInterfaceGrainFactory>(silo.Grains);

        var first = silo.Grains.GetGrain<IProbeGrain>(key);
        var second = silo.Grains.GetGrain<IProbeGrain>(key);
        var other = silo.Grains.GetGrain<IProbeGrain>($"{key}-other");
        await first.SetTextAsync("one");
        await other.SetTextAsync("two");

        Assert.Equal(GrainId.Create(first.GetGrainId().Type, key), second.GetGrainId());
        Assert.Equal(((GrainReference)first).InterfaceType, ((GrainReference)second).InterfaceType);
        Assert.Equal(first, second);
        Assert.Equal("one", await second.GetTextAsync());
        Assert.Equal("two", await silo.Grains.GetGrain<IProbeGrain>($"{key}-other").GetTextAsync());
    }
}
