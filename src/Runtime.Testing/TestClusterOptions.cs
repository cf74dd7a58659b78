using Granary.Runtime.Hosting;
using Granary.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Testing;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos to start.</summary>
    public int SiloCount { get; set; } = 1;

    /// <summary>
    /// Whether silos form a cluster (membership table, TCP silo transport on loopback, hash-ring placement). On by
    /// default when <see cref="SiloCount"/> is above one; a lone silo runs without it unless this is set.
    /// </summary>
    public bool? Clustered { get; set; }

    /// <summary>The membership table of a clustered test cluster.</summary>
    public TestMembership Membership { get; set; } = TestMembership.Memory;

    /// <summary>Changes to each silo's cluster options (probe and death timings). Tests default to fast detection.</summary>
    public Action<Cluster.ClusterOptions>? ConfigureCluster { get; set; }

    /// <summary>The "Default" grain storage.</summary>
    public TestStorage Storage { get; set; } = TestStorage.Memory;

    /// <summary>The reminder table.</summary>
    public TestReminders Reminders { get; set; } = TestReminders.Memory;

    /// <summary>Changes to each silo's options (timeouts, collection age).</summary>
    public Action<SiloOptions>? ConfigureSilo { get; set; }

    /// <summary>Changes to each silo's reminder options (poll interval, retries).</summary>
    public Action<ReminderOptions>? ConfigureReminders { get; set; }

    /// <summary>Services the grains need, and filters.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Further silo configuration (extra storage providers, call filters).</summary>
    public Action<GranaryBuilder>? ConfigureGranary { get; set; }

    /// <summary>The clock of every silo; a fake one lets tests drive timers, reminders and idle collection.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
