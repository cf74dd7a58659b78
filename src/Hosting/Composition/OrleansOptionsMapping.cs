using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Granary.Hosting;

/// <summary>
/// Maps the validated <c>Granary:*</c> options onto Orleans's own options, each when Orleans first asks for its own.
/// </summary>
internal static class OrleansOptionsMapping
{
    /// <summary>The host's shutdown limit exceeds the silo's budget so that membership can still write "Dead" and Kestrel can close.</summary>
    public static readonly TimeSpan HostShutdownMargin = TimeSpan.FromSeconds(5);

    public static ISiloBuilder MapGranaryOptions(this ISiloBuilder silo, GranaryProfile profile)
    {
        var services = silo.Services;
        services.Map<SiloOptions, GranarySiloOptions>((o, g) => o.SiloName = g.SiloName);
        services.Map<ClusterOptions, GranarySiloOptions>((o, g) =>
        {
            o.ClusterId = g.ClusterId;
            o.ServiceId = g.ServiceId;
        });
        services.Map<SiloMessagingOptions, GranarySiloOptions>((o, g) => o.ResponseTimeout = g.ResponseTimeout);
        services.Map<GrainCollectionOptions, GranarySiloOptions>((o, g) =>
        {
            o.CollectionAge = g.CollectionAge;
            o.ActivationTimeout = g.ActivationTimeout;
            o.DeactivationTimeout = g.DeactivationTimeout;
        });
        services.Map<HostOptions, GranarySiloOptions>((o, g) => o.ShutdownTimeout = g.ShutdownTimeout + HostShutdownMargin);
        services.Map<ReminderOptions, GranaryRemindersOptions>((o, r) => o.MinimumReminderPeriod = r.MinimumPeriod);
        services.Map<ClusterMembershipOptions, GranaryClusterOptions>(MapMembership);
        services.Map<EndpointOptions, GranaryClusterOptions>((o, c) => MapEndpoints(o, c, profile.IsCluster));
        return silo;
    }

    private static void Map<TOrleans, TGranary>(this IServiceCollection services, Action<TOrleans, TGranary> map)
        where TOrleans : class
        where TGranary : class
    {
        services.AddOptions<TOrleans>().Configure<IOptions<TGranary>>((target, source) =>
        {
            // The host builds its hosted services (the silo among them, which reads these options) before it runs
            // start-up validation. An invalid setting is skipped here so that validation, which comes next and stops
            // the start, reports every invalid setting at once instead of the first one Orleans happened to touch.
            TGranary value;
            try
            {
                value = source.Value;
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
            {
                return;
            }
            map(target, value);
        });
    }

    private static void MapMembership(ClusterMembershipOptions membership, GranaryClusterOptions cluster)
    {
        membership.ProbeTimeout = cluster.ProbeTimeout;
        membership.MaxProbeTimeout = cluster.MaxProbeTimeout;
        membership.NumMissedProbesLimit = cluster.MissedProbesLimit;
        membership.NumVotesForDeathDeclaration = cluster.VotesForDeath;
        membership.NumProbedSilos = cluster.ProbedSilos;
        membership.IAmAliveTablePublishTimeout = cluster.IAmAlivePeriod;
        membership.MaxJoinAttemptTime = cluster.JoinTimeout;
        membership.DefunctSiloExpiration = cluster.DefunctRowExpiry;
    }

    private static void MapEndpoints(EndpointOptions endpoints, GranaryClusterOptions cluster, bool isCluster)
    {
        // The embedded silo keeps localhost clustering's loopback address; only the ports are Granary's.
        endpoints.SiloPort = cluster.SiloPort;
        endpoints.GatewayPort = cluster.GatewayPort;
        if (!isCluster)
        {
            return;
        }
        endpoints.AdvertisedIPAddress = AdvertisedAddress.Resolve(cluster.AdvertisedAddress);
        if (!string.IsNullOrWhiteSpace(cluster.ListenAddress))
        {
            var listen = IPAddress.Parse(cluster.ListenAddress);
            endpoints.SiloListeningEndpoint = new IPEndPoint(listen, cluster.SiloPort);
            endpoints.GatewayListeningEndpoint = cluster.GatewayPort == 0 ? null : new IPEndPoint(listen, cluster.GatewayPort);
        }
    }
}
