using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Tests.Runtime;

/// <summary>Starts test clusters with the services the test grains need.</summary>
internal static class ClusterFactory
{
    public static Task<TestCluster> StartAsync(EventLog log, Action<TestClusterOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var options = new TestClusterOptions
        {
            ConfigureServices = s =>
            {
                s.AddSingleton(log);
                s.AddSingleton(new Greeting("hello from the silo's services"));
                s.AddSingleton<WorkerGate>();
                s.AddSingleton<ReminderFailures>();
                services?.Invoke(s);
            },
        };
        configure?.Invoke(options);
        return TestCluster.StartAsync(options);
    }
}
