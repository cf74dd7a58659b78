using Granary.Runtime.Messaging;

namespace Granary.Runtime.Placement;

/// <summary>Carries requests to other silos. A single silo has no peers; the cluster's TCP transport implements it.</summary>
internal interface ISiloTransport
{
    /// <summary>Sends <paramref name="request"/> to <paramref name="silo"/>; the response completes the request's task.</summary>
    void Send(SiloAddress silo, GrainRequest request);
}

/// <summary>The transport of a silo that is alone: every grain is local, so a remote send is a bug.</summary>
internal sealed class NoPeersTransport : ISiloTransport
{
    public void Send(SiloAddress silo, GrainRequest request) =>
        request.TryFail(new SiloUnavailableException($"Silo {silo} is not this silo and this silo runs alone; no transport to other silos is configured."));
}
