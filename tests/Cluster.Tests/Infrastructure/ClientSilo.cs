using Granary.Runtime;
using Granary.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// The test's way into the cluster: a silo hosted in the test process with the same Granary configuration as the
/// silo processes (there is no grain-calling HTTP API, and no client-only membership mode). It joins the ring like
/// any member, so it hosts about 1/N of the grains too; tests pick the grains they care about by where they live.
/// </summary>
internal sealed class ClientSilo : IAsyncDisposable
{
    private readonly WebApplication _host;

    private ClientSilo(WebApplication host, LogBuffer log)
    {
        _host = host;
        Log = log;
    }

    public string Name => Silo.Name;

    public Runtime.Hosting.Silo Silo => _host.Services.GetRequiredService<Runtime.Hosting.Silo>();

    public IGrainFactory GrainFactory => Silo.GrainFactory;

    public LogBuffer Log { get; }

    /// <summary>Starts and joins; <paramref name="settings"/> are configuration keys such as <c>Granary:ClusterId</c>.</summary>
    public static async Task<ClientSilo> StartAsync(string name, IReadOnlyDictionary<string, string> settings, System.Reflection.Assembly grains)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        var log = new LogBuffer(name);
        builder.Logging.ClearProviders()
            .AddProvider(log)
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning);

        // Only the test's settings: no Granary__* variable of the test process's environment leaks in.
        var granary = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)).Append(new("Granary:SiloName", name)))
            .Build()
            .GetSection("Granary");
        builder.Services.AddGranary(granary).AddGrains(grains);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenSiloPort());

        var host = builder.Build();
        var startTimeout = TimeSpan.FromSeconds(60);
        using var timeout = new CancellationTokenSource(startTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"The in-process silo {name} did not start and join within {startTimeout}. Log:\n{log.Tail(40)}");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return new ClientSilo(host, log);
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
    }
}
