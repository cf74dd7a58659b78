using Granary.Grains;
using Granary.Runtime.Testing;

namespace Granary.Grains.Tests;

/// <summary>Starts a test cluster hosting the domain's grains.</summary>
public static class GrainTestCluster
{
    public static Task<TestCluster> StartAsync(Action<TestClusterOptions>? configure = null)
    {
        GrainTypeRegistry.EnsureLoaded(GrainsAssembly.Assembly);
        var options = new TestClusterOptions();
        configure?.Invoke(options);
        return TestCluster.StartAsync(options);
    }
}
