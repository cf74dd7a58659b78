namespace Granary.Runtime.Hosting;

/// <summary>Settings of one silo (configuration section <c>Granary</c>).</summary>
public sealed class SiloOptions
{
    /// <summary>This silo's name in logs and metrics.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The cluster this silo belongs to; silos of one cluster share storage and reminders.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>How long a grain call may take before it fails with a timeout and its cancellation token fires.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often pending calls are checked against their deadline.</summary>
    public TimeSpan DeadlineCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Idle time after which an activation is deactivated (per class: [CollectionAgeLimit]).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for; an idle activation lives at most CollectionAge + CollectionQuantum.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Limit for loading state and OnActivateAsync.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for OnDeactivateAsync.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long shutdown waits for in-flight requests and deactivations before it gives up on them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
