using Granary.Grains;
using Granary.Runtime.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests;

/// <summary>Starts a test cluster hosting the domain's grains.</summary>
public static class GrainTestCluster
{
    /// <summary>Settings under the Granary section the domain services read (e.g. "Webhooks:AllowedTargets:0").</summary>
    public static Task<TestCluster> StartAsync(Action<TestClusterOptions>? configure = null, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        GrainTypeRegistry.EnsureLoaded(GrainsAssembly.Assembly);
        var options = new TestClusterOptions();
        configure?.Invoke(options);
        var configureServices = options.ConfigureServices;
        options.ConfigureServices = services =>
        {
            services.AddGranaryDomain(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
            configureServices?.Invoke(services);
        };
        return TestCluster.StartAsync(options);
    }
}
