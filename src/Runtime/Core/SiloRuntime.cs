using Granary.Runtime.Activations;
using Granary.Runtime.Cluster;
using Granary.Runtime.Cluster.Ring;
using Granary.Runtime.Hosting;
using Granary.Runtime.Messaging;
using Granary.Runtime.Placement;
using Granary.Runtime.Reminders;
using Granary.Runtime.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime;

/// <summary>The services every activation of one silo shares: options, clock, catalog, dispatcher, statistics, filters.</summary>
internal sealed class SiloRuntime
{
    private ReminderService? _reminders;

    private readonly ClusterMembership _membership;

    public SiloRuntime(IServiceProvider services, IOptions<SiloOptions> options, TimeProvider time, ILoggerFactory loggers, RuntimeStatistics statistics, ClusterMembership membership)
    {
        _membership = membership;
        Services = services;
        Options = options.Value;
        Time = time;
        Log = loggers.CreateLogger("Granary.Runtime");
        Statistics = statistics;
        Types = new GrainTypeMap();
        Catalog = new Catalog(this);
        IncomingFilters = [.. services.GetServices<IIncomingGrainCallFilter>()];
        OutgoingFilters = [.. services.GetServices<IOutgoingGrainCallFilter>()];
        Placement = services.GetService<IPlacementDirector>() ?? new RingPlacementDirector(membership);
        // The transport depends on this runtime, so it is resolved on first use.
        Dispatcher = new Dispatcher(this, Placement, new Lazy<ISiloTransport>(() => services.GetService<ISiloTransport>() ?? new NoPeersTransport()));
        GrainFactory = new GrainFactory(new GrainReferenceContext(Dispatcher), Types);
    }

    public IServiceProvider Services { get; }

    public SiloOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Log { get; }

    public RuntimeStatistics Statistics { get; }

    /// <summary>This silo's identity (final once it joined its cluster).</summary>
    public SiloAddress LocalSilo => _membership.LocalSilo;

    public IPlacementDirector Placement { get; }

    public GrainTypeMap Types { get; }

    public Catalog Catalog { get; }

    public Dispatcher Dispatcher { get; }

    public IGrainFactory GrainFactory { get; }

    public IIncomingGrainCallFilter[] IncomingFilters { get; }

    public IOutgoingGrainCallFilter[] OutgoingFilters { get; }

    /// <summary>The reminder service; resolved on first use because it depends on this runtime.</summary>
    public ReminderService Reminders => _reminders ??= Services.GetRequiredService<ReminderService>();
}
