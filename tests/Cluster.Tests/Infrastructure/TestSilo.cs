using Granary.Testing.Processes;
using Granary.Cluster.Tests.Grains;
using Granary.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// The test's way into the cluster: a silo in the test process, composed by src/Hosting's <c>AddGranarySilo</c> with
/// the run's settings, that joins like any member. The test calls grains from it the way the HTTP API calls them from
/// a co-hosted silo, so a call to a grain on a silo that dies fails as soon as that silo is declared dead (an external
/// Orleans client would wait for its response timeout instead). As a member it hosts about 1/N of the test grains too;
/// tests pick the grains they care about by where they live.
/// </summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly string _contentRoot;

    private TestSilo(WebApplication host, string contentRoot, LogBuffer log)
    {
        _host = host;
        _contentRoot = contentRoot;
        Log = log;
    }

    public const string Name = "test-silo";

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Orleans's serializer with the test grains' types: the format grain state is stored in.</summary>
    public Serializer Serializer => _host.Services.GetRequiredService<Serializer>();

    public LogBuffer Log { get; }

    /// <summary>Names of the silos this silo's own membership view holds Active (what its calls are routed by).</summary>
    public IReadOnlyList<string> ActiveInView() =>
        [.. _host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.Name)
            .Order(StringComparer.Ordinal)];

    /// <summary>Starts and joins; <paramref name="settings"/> are configuration keys such as <c>Granary:ServiceId</c>.</summary>
    public static async Task<TestSilo> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        // The test grains' assembly must be loaded before Orleans looks for application parts among the loaded assemblies.
        _ = typeof(ICounterGrain).Assembly;
        var contentRoot = Directory.CreateTempSubdirectory("granary-test-silo-").FullName;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = contentRoot });
        // Only the run's settings: no Granary__* variable of the test process's environment leaks in.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings
            .Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
            .Append(new("Granary:SiloName", Name))
            .Append(new("Granary:Cluster:SiloPort", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new("Granary:Cluster:GatewayPort", "0")));
        var log = new LogBuffer(Name);
        builder.Logging.ClearProviders()
            .AddProvider(log)
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddGranarySilo();

        var host = builder.Build();
        var startTimeout = TimeSpan.FromSeconds(60);
        using var timeout = new CancellationTokenSource(startTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The in-process silo did not start and join within {startTimeout}. Log:\n{log.Tail(40)}", ex);
        }
        return new TestSilo(host, contentRoot, log);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposal below still releases the ports.
        }
        await _host.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
