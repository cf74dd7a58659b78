namespace Granary.Hosting;

/// <summary>
/// The silo-wide settings (configuration section <c>Granary</c>), mapped onto Orleans's <c>SiloOptions</c>,
/// <c>ClusterOptions</c>, <c>SiloMessagingOptions</c>, <c>GrainCollectionOptions</c> and the host's shutdown limit.
/// </summary>
public sealed class GranarySiloOptions
{
    /// <summary>Configuration section the options bind to.</summary>
    public const string Section = "Granary";

    /// <summary>This silo's name in logs, the dashboard and <c>/health/ready</c>.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The cluster's name; silos of one cluster share it (Orleans <c>ClusterOptions.ClusterId</c>).</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The service's identity; it keys stored grain state and reminders, so it must never change for a deployment.</summary>
    public string ServiceId { get; set; } = "granary";

    /// <summary>Deadline of a grain call (Orleans <c>SiloMessagingOptions.ResponseTimeout</c>).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle time after which an activation is deactivated (<c>[CollectionAgeLimit]</c> overrides it per class).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Limit for loading state plus <c>OnActivateAsync</c>.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for <c>OnDeactivateAsync</c>.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Budget of a graceful stop; the host's own shutdown limit is this plus 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
