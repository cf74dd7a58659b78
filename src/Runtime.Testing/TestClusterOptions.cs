using Granary.Runtime.Hosting;
using Granary.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Testing;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos to start. One for now: several silos need the cluster membership of the next version.</summary>
    public int SiloCount { get; set; } = 1;

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
