using Granary.Runtime;
using Granary.Runtime.Cluster;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Bench;

/// <summary>
/// The bench process as a silo of a Redis-membership cluster: the same runtime and transport as the silo
/// executable, DEFAULT cluster timings, silo port on loopback, the storage and reminders the silo processes share
/// (PostgreSQL, Redis), the bench's grains, and whatever <c>configure</c> adds (the domain's grains for the jobs bench).
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly WebApplication _host;

    private InProcessSilo(WebApplication host)
    {
        _host = host;
        Silo = host.Services.GetRequiredService<Silo>();
    }

    public Silo Silo { get; }

    internal SiloRuntime Runtime => Silo.Runtime;

    internal ClusterMembership Membership => Runtime.Services.GetRequiredService<ClusterMembership>();

    internal SiloConnectionPool Connections => Runtime.Services.GetRequiredService<SiloConnectionPool>();

    public static async Task<InProcessSilo> StartAsync(
        BenchCluster cluster, string clusterId, string name, Action<WebApplicationBuilder, GranaryBuilder>? configure = null, string? postgres = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.ListenSiloPort());
        var granary = builder.Services.AddGranary(o =>
            {
                o.SiloName = name;
                o.ClusterId = clusterId;
            })
            .AddGrains(typeof(PingGrain).Assembly)
            .AddPostgresGrainStorage(PersistentStateAttribute.DefaultStorageName, o => o.ConnectionString = postgres ?? cluster.Postgres)
            .UseRedisReminders(o =>
            {
                o.Configuration = cluster.Rows.Configuration;
                o.KeyPrefix = cluster.Rows.KeyPrefix;
            })
            .UseRedisClustering(
                table =>
                {
                    table.Configuration = cluster.Rows.Configuration;
                    table.KeyPrefix = cluster.Rows.KeyPrefix;
                },
                options =>
                {
                    options.ListenAddress = "127.0.0.1";
                    options.AdvertisedHost = "127.0.0.1";
                    options.SiloPort = 0;
                },
                transport => transport.SharedSecret = cluster.SharedSecret);
        configure?.Invoke(builder, granary);
        var host = builder.Build();
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(bounded.Token);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return new InProcessSilo(host);
    }

    /// <summary>Waits until this silo's view lists <paramref name="silos"/> Active silos.</summary>
    public async Task WaitForViewAsync(int silos, TimeSpan timeout)
    {
        using var bounded = new CancellationTokenSource(timeout);
        while (Membership.View.Ring.Silos.Count != silos)
        {
            try
            {
                await Task.Delay(20, bounded.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Silo {Silo.Name}'s view did not reach {silos} active silos within {timeout.TotalSeconds:0} s (it has {string.Join(", ", Membership.View.Ring.Silos)}).");
            }
        }
    }

    /// <summary>The grain id of ping grain <paramref name="key"/>.</summary>
    internal GrainId PingGrainId(long key) => new(Runtime.Types.ForInterface(typeof(IPingGrain)).TypeName, GrainId.KeyOf(key));

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(bounded.Token);
        }
        finally
        {
            await _host.DisposeAsync();
        }
    }
}
