using System.Reflection;
using System.Security.Cryptography;
using Granary.Runtime.Cluster;
using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Cluster.Membership.Memory;
using Granary.Runtime.Hosting;
using Granary.Runtime.Persistence.Memory;
using Granary.Runtime.Reminders.Memory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Testing;

/// <summary>
/// Silos running inside the test process, for grain-level integration tests: call grains through
/// <see cref="GrainFactory"/>; start, stop, kill and restart silos to test durability and failover. Clustered silos
/// talk over real TCP on loopback and share a membership table (in memory or in Redis).
/// </summary>
public sealed partial class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<(Silo Silo, IHost Host)> _silos = [];
    private readonly MemoryGrainStorage _memoryStorage = new();
    private readonly MemoryReminderTable _memoryReminders = new();
    private readonly MemoryMembershipTable _memoryMembership;
    private readonly string _sharedSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly string _clusterId = $"test-{Guid.NewGuid():N}"[..17];
    private int _generation;

    private TestCluster(TestClusterOptions options)
    {
        _options = options;
        _memoryMembership = new MemoryMembershipTable(options.TimeProvider);
    }

    /// <summary>Starts a cluster of <see cref="TestClusterOptions.SiloCount"/> silos with the grains of the calling assembly.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static Task<TestCluster> StartAsync(TestClusterOptions? options = null)
    {
        // Read here, not in the async part: there the caller is the state machine of this assembly.
        GrainTypeRegistry.EnsureLoaded(Assembly.GetCallingAssembly());
        return StartCoreAsync(options ?? new TestClusterOptions());
    }

    private static async Task<TestCluster> StartCoreAsync(TestClusterOptions options)
    {
        if (options.SiloCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SiloCount, "A test cluster needs at least one silo.");
        }
        var cluster = new TestCluster(options);
        for (var i = 0; i < options.SiloCount; i++)
        {
            await cluster.StartSiloAsync();
        }
        if (cluster.IsClustered)
        {
            await cluster.WaitForStableViewAsync();
        }
        return cluster;
    }

    /// <summary>True when the silos form a cluster.</summary>
    public bool IsClustered => _options.Clustered ?? _options.SiloCount > 1;

    /// <summary>The running silos, oldest first.</summary>
    public IReadOnlyList<Silo> Silos => _silos.Select(s => s.Silo).ToList();

    /// <summary>The oldest running silo.</summary>
    public Silo Primary => _silos.Count > 0 ? _silos[0].Silo : throw new InvalidOperationException("No silo is running.");

    /// <summary>Grain references through the primary silo.</summary>
    public IGrainFactory GrainFactory => Primary.GrainFactory;

    /// <summary>The shared in-memory membership table (clustered, memory membership), e.g. to simulate data loss.</summary>
    public IMembershipTable MemoryMembership => _memoryMembership;

    /// <summary>The service provider of a silo, to reach services registered for the test.</summary>
    public IServiceProvider ServicesOf(Silo silo) => Find(silo).Host.Services;

    /// <summary>Starts one more silo with the cluster's configuration. A silo that runs alone (not clustered) can only be started when none runs.</summary>
    public async Task<Silo> StartAdditionalSiloAsync()
    {
        if (!IsClustered && _silos.Count > 0)
        {
            throw new NotSupportedException("This test cluster is not clustered (Clustered = false): stop the running silo first, or set Clustered.");
        }
        var silo = await StartSiloAsync();
        if (IsClustered)
        {
            await WaitForStableViewAsync();
        }
        return silo;
    }

    /// <summary>Stops a silo gracefully: it leaves the ring, finishes its requests, deactivates its grains, hands back its reminder claims.</summary>
    public async Task StopSiloAsync(Silo silo)
    {
        var entry = Find(silo);
        _silos.Remove(entry);
        await entry.Host.StopAsync();
        entry.Host.Dispose();
    }

    /// <summary>Stops a silo as a crash would: nothing is written, nothing deactivates, its connections drop. The others must detect it.</summary>
    public async Task KillSiloAsync(Silo silo)
    {
        var entry = Find(silo);
        _silos.Remove(entry);
        await silo.KillAsync();
        await entry.Host.StopAsync(new CancellationToken(canceled: true));
        entry.Host.Dispose();
    }

    /// <summary>Stops a silo gracefully and starts a new one with the same configuration in its place.</summary>
    public async Task<Silo> RestartSiloAsync(Silo silo)
    {
        await StopSiloAsync(silo);
        return await StartAdditionalSiloAsync();
    }

    /// <summary>Waits until every running silo has the same view and it lists exactly the running silos as Active.</summary>
    public async Task WaitForStableViewAsync(TimeSpan? timeout = null)
    {
        if (!IsClustered)
        {
            return;
        }
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var running = _silos.Select(s => s.Silo.Address).ToHashSet();
            var views = _silos.Select(s => s.Silo.Runtime.Services.GetRequiredService<ClusterMembership>().View).ToList();
            if (views.All(v => v.Version == views[0].Version && v.Ring.Silos.ToHashSet().SetEquals(running)))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The cluster view did not settle on {string.Join(", ", running)}; views: {string.Join(" | ", views.Select(v => $"v{v.Version}: {string.Join(", ", v.Ring.Silos)}"))}");
            }
            await Task.Delay(20);
        }
    }

    private async Task<Silo> StartSiloAsync()
    {
        var generation = ++_generation;
        IHost host;
        if (IsClustered)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
            builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(k => k.ListenSiloPort());
            Configure(builder.Services, generation);
            host = builder.Build();
        }
        else
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            Configure(builder.Services, generation);
            host = builder.Build();
        }

        await host.StartAsync();
        var silo = host.Services.GetRequiredService<Silo>();
        _silos.Add((silo, host));
        return silo;
    }

    private (Silo Silo, IHost Host) Find(Silo silo) =>
        _silos.FirstOrDefault(s => ReferenceEquals(s.Silo, silo)) is { Host: not null } entry
            ? entry
            : throw new ArgumentException($"Silo {silo.Name} is not running in this cluster.", nameof(silo));

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, host) in _silos.AsEnumerable().Reverse().ToList())
        {
            await host.StopAsync();
            host.Dispose();
        }
        _silos.Clear();
        await _memoryMembership.DisposeAsync();
    }
}
