using Granary.Runtime.Activations;
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

    public SiloRuntime(IServiceProvider services, IOptions<SiloOptions> options, TimeProvider time, ILoggerFactory loggers, RuntimeStatistics statistics, SiloAddress localSilo)
    {
        Services = services;
        Options = options.Value;
        Time = time;
        Log = loggers.CreateLogger("Granary.Runtime");
        Statistics = statistics;
        LocalSilo = localSilo;
        Types = new GrainTypeMap();
        Catalog = new Catalog(this);
        IncomingFilters = [.. services.GetServices<IIncomingGrainCallFilter>()];
        OutgoingFilters = [.. services.GetServices<IOutgoingGrainCallFilter>()];
        Dispatcher = new Dispatcher(this, services.GetService<IPlacementDirector>() ?? new LocalPlacementDirector(localSilo), services.GetService<ISiloTransport>() ?? new NoPeersTransport());
        GrainFactory = new GrainFactory(new GrainReferenceContext(Dispatcher), Types);
    }

    public IServiceProvider Services { get; }

    public SiloOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Log { get; }

    public RuntimeStatistics Statistics { get; }

    public SiloAddress LocalSilo { get; }

    public GrainTypeMap Types { get; }

    public Catalog Catalog { get; }

    public Dispatcher Dispatcher { get; }

    public IGrainFactory GrainFactory { get; }

    public IIncomingGrainCallFilter[] IncomingFilters { get; }

    public IOutgoingGrainCallFilter[] OutgoingFilters { get; }

    /// <summary>The reminder service; resolved on first use because it depends on this runtime.</summary>
    public ReminderService Reminders => _reminders ??= Services.GetRequiredService<ReminderService>();
}
