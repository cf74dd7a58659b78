using System.Globalization;
using System.Net;
using Granary.Engine.Bench.Hosting;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// What one silo of a bench cluster needs: Redis membership under the run's own service id, loopback endpoints on a
/// free silo port (no gateway: nothing outside the cluster calls in), and a membership option set. The same settings
/// configure the silo in this process and travel to a child silo as command-line arguments.
/// </summary>
internal sealed record ClusterSettings(string Redis, string ServiceId, string ClusterId, int SiloPort, MembershipSet Membership)
{
    public void Configure(ISiloBuilder silo) =>
        silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = ServiceId;
                o.ClusterId = ClusterId;
            })
            .ConfigureEndpoints(IPAddress.Loopback, SiloPort, gatewayPort: 0)
            .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(Redis))
            .Configure<ClusterMembershipOptions>(o => Membership.Apply(o));

    /// <summary>The Redis key of the membership table (Orleans's default key: <c>{ServiceId}/members/{ClusterId}</c>).</summary>
    public string MembershipKey => $"{ServiceId}/members/{ClusterId}";

    /// <summary>The same settings for another silo of the cluster.</summary>
    public ClusterSettings WithFreePort() => this with { SiloPort = FreePorts.Next() };

    public IEnumerable<string> ToArguments() =>
    [
        "--redis", Redis,
        "--service-id", ServiceId,
        "--cluster-id", ClusterId,
        "--port", SiloPort.ToString(CultureInfo.InvariantCulture),
        "--membership", Membership.Name,
    ];

    /// <summary>Reads what <see cref="ToArguments"/> wrote; <paramref name="values"/> holds every <c>--name value</c> pair.</summary>
    public static ClusterSettings FromArguments(IReadOnlyDictionary<string, string> values) =>
        new(
            values["--redis"],
            values["--service-id"],
            values["--cluster-id"],
            int.Parse(values["--port"], CultureInfo.InvariantCulture),
            MembershipSet.Find(values["--membership"]));
}
