namespace Granary.Hosting;

/// <summary>
/// Clustering (configuration section <c>Granary:Cluster</c>), mapped onto Orleans's <c>EndpointOptions</c> and
/// <c>ClusterMembershipOptions</c>. Silos talk to each other on <see cref="SiloPort"/> in plain TCP unless
/// <see cref="Tls"/> names a certificate: without TLS the silo port belongs on a private network that only silos reach.
/// </summary>
public sealed class GranaryClusterOptions
{
    /// <summary>Configuration section the options bind to.</summary>
    public const string Section = "Granary:Cluster";

    /// <summary>How silos find each other.</summary>
    public GranaryMembershipOptions Membership { get; set; } = new();

    /// <summary>TCP port for silo-to-silo traffic (also the embedded silo's, on loopback).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>TCP port for Orleans clients outside the silo; 0 means no gateway.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Local IP the silo and gateway ports bind to; unset means the advertised address.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// IP address (not a host name) the other silos use to reach this one; unset means the machine's first non-loopback
    /// IPv4 address. In a container it must be the container's own address, or other silos never see this one join.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Initial timeout (and period) of a liveness probe (<c>ClusterMembershipOptions.ProbeTimeout</c>). With the other
    /// defaults a SIGKILLed silo is declared dead in about 1.2 s and a 3 s stall is not (bench/run.sh cluster).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest probe timeout Orleans adapts to (<c>ClusterMembershipOptions.MaxProbeTimeout</c>). A silo that received
    /// traffic within MaxProbeTimeout × MissedProbesLimit is not voted dead: that is the longest stall tolerated, and the
    /// time to detect a silo that hangs with its connections open (about 9 s with the defaults).
    /// </summary>
    public TimeSpan MaxProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Consecutive missed probes before a silo votes another dead (<c>NumMissedProbesLimit</c>).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (<c>NumVotesForDeathDeclaration</c>; fewer suffice in a small cluster).</summary>
    public int VotesForDeath { get; set; } = 2;

    /// <summary>Silos each silo probes (<c>NumProbedSilos</c>); at least <see cref="VotesForDeath"/>.</summary>
    public int ProbedSilos { get; set; } = 10;

    /// <summary>
    /// How often a silo writes its heartbeat to the table (<c>IAmAliveTablePublishTimeout</c>); three missed heartbeats
    /// make a row stale, which is how long rows of killed silos can hold up a silo that joins.
    /// </summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long joining may take before start-up fails (<c>MaxJoinAttemptTime</c>).</summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows of dead silos older than this are removed (<c>DefunctSiloExpiration</c>).</summary>
    public TimeSpan DefunctRowExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>TLS between silos.</summary>
    public GranaryTlsOptions Tls { get; set; } = new();
}

/// <summary>Membership provider (<c>Granary:Cluster:Membership</c>).</summary>
public sealed class GranaryMembershipOptions
{
    /// <summary><c>None</c>: one silo on loopback (embedded). <c>Redis</c>: a cluster through Orleans's Redis membership table.</summary>
    public string Provider { get; set; } = "None";

    /// <summary>The membership Redis.</summary>
    public GranaryRedisOptions Redis { get; set; } = new();
}

/// <summary>
/// TLS between silos through Microsoft.Orleans.Connections.Security (<c>Granary:Cluster:Tls</c>). Every silo of a cluster
/// presents the same certificate, and a peer is accepted only when it presents that certificate too.
/// </summary>
public sealed class GranaryTlsOptions
{
    /// <summary>PKCS#12 (.pfx) file holding the cluster's certificate and private key; unset means no TLS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the .pfx file, if any.</summary>
    public string? CertificatePassword { get; set; }
}
