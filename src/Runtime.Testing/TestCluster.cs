using System.Reflection;
using Granary.Runtime.Hosting;
using Granary.Runtime.Persistence.Memory;
using Granary.Runtime.Reminders.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Testing;

/// <summary>
/// Silos running inside the test process, for grain-level integration tests: build it in a fixture or a test,
/// call grains through <see cref="GrainFactory"/>, stop and restart silos to test durability.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<(Silo Silo, IHost Host)> _silos = [];
    private readonly MemoryGrainStorage _memoryStorage = new();
    private readonly MemoryReminderTable _memoryReminders = new();
    private int _generation;

    private TestCluster(TestClusterOptions options) => _options = options;

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
        if (options.SiloCount != 1)
        {
            throw new NotSupportedException($"TestCluster can start 1 silo in this version, not {options.SiloCount}: several silos need the Redis cluster membership that comes next.");
        }
        var cluster = new TestCluster(options);
        for (var i = 0; i < options.SiloCount; i++)
        {
            await cluster.StartSiloAsync();
        }
        return cluster;
    }

    /// <summary>The running silos, oldest first.</summary>
    public IReadOnlyList<Silo> Silos => _silos.Select(s => s.Silo).ToList();

    /// <summary>The oldest running silo.</summary>
    public Silo Primary => _silos.Count > 0 ? _silos[0].Silo : throw new InvalidOperationException("No silo is running.");

    /// <summary>Grain references through the primary silo.</summary>
    public IGrainFactory GrainFactory => Primary.GrainFactory;

    /// <summary>The service provider of a silo, to reach services registered for the test.</summary>
    public IServiceProvider ServicesOf(Silo silo) => Find(silo).Host.Services;

    /// <summary>Stops a silo gracefully: its grains deactivate and its reminder claims go back to the table.</summary>
    public async Task StopSiloAsync(Silo silo)
    {
        var entry = Find(silo);
        await entry.Host.StopAsync();
        entry.Host.Dispose();
        _silos.Remove(entry);
    }

    /// <summary>Stops a silo gracefully and starts a new one with the same configuration in its place.</summary>
    public async Task<Silo> RestartSiloAsync(Silo silo)
    {
        await StopSiloAsync(silo);
        return await StartSiloAsync();
    }

    /// <summary>
    /// Starts one more silo with the cluster's configuration. In this version a cluster runs one silo at a time, so
    /// this starts a silo after the last one was stopped (to test what survives downtime).
    /// </summary>
    public Task<Silo> StartAdditionalSiloAsync() =>
        _silos.Count == 0
            ? StartSiloAsync()
            : throw new NotSupportedException("A second running silo needs the Redis cluster membership that comes next; stop the running one first.");

    private async Task<Silo> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        var generation = ++_generation;
        if (_options.TimeProvider is not null)
        {
            builder.Services.AddSingleton(_options.TimeProvider);
        }
        var granary = builder.Services.AddGranary(o =>
        {
            o.SiloName = $"test-silo-{generation}";
            _options.ConfigureSilo?.Invoke(o);
        }, _options.ConfigureReminders);

        switch (_options.Storage.Kind)
        {
            case "memory":
                granary.AddGrainStorage(PersistentStateAttribute.DefaultStorageName, _ => _memoryStorage);
                break;
            case "sqlite":
                granary.AddSqliteGrainStorage(PersistentStateAttribute.DefaultStorageName, o => o.Path = _options.Storage.Setting!);
                break;
            case "postgres":
                granary.AddPostgresGrainStorage(PersistentStateAttribute.DefaultStorageName, o => o.ConnectionString = _options.Storage.Setting!);
                break;
        }

        switch (_options.Reminders.Kind)
        {
            case "memory":
                granary.UseReminderTable(_ => _memoryReminders);
                break;
            case "sqlite":
                granary.UseSqliteReminders(o => o.Path = _options.Reminders.Setting!);
                break;
            case "redis":
                granary.UseRedisReminders(o =>
                {
                    o.Configuration = _options.Reminders.Setting!;
                    o.KeyPrefix = _options.Reminders.KeyPrefix!;
                });
                break;
        }

        _options.ConfigureServices?.Invoke(builder.Services);
        _options.ConfigureGranary?.Invoke(granary);

        var host = builder.Build();
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
        foreach (var (_, host) in _silos.ToList())
        {
            await host.StopAsync();
            host.Dispose();
        }
        _silos.Clear();
    }
}
