using Orleans.Hosting;
using Orleans.TestingHost;

namespace Granary.Persistence.Tests.Infrastructure;

/// <summary>Starts a one-silo <see cref="InProcessTestCluster"/> configured the way a Granary silo would be.</summary>
internal static class OneSiloCluster
{
    /// <param name="configureSilo">Adds the providers under test.</param>
    /// <param name="serviceId">Keep it across restarts: grain state and reminders are keyed by it.</param>
    /// <param name="withClient">Start a cluster client too (only tests that call grains need it).</param>
    public static async Task<InProcessTestCluster> StartAsync(Action<ISiloBuilder> configureSilo, string? serviceId = null, bool withClient = false)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = withClient;
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSilo((_, silo) => configureSilo(silo));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}
