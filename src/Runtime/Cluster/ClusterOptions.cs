namespace Granary.Runtime.Cluster;

/// <summary>How a silo finds, watches and talks to the other silos (configuration section <c>Granary:Cluster</c>).</summary>
public sealed class ClusterOptions
{
    /// <summary>The host name or IP other silos use to reach this one; empty = this machine's first non-loopback IPv4 address (containers).</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>The local address the silo port binds to.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>The TCP port for silo-to-silo traffic (0 = any free port, for tests).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>How often a silo writes that it is alive.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo whose last I-am-alive is older than this is declared dead by the others.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(9);

    /// <summary>How often the whole table is re-read even without a change notice.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each watched silo is probed.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may take before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Consecutive missed probes before this silo votes the target dead.</summary>
    public int MissedProbesLimit { get; set; } = 4;

    /// <summary>How many ring neighbours each silo probes.</summary>
    public int ProbedSilos { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (fewer in clusters so small that a majority needs fewer).</summary>
    public int VotesForDeath { get; set; } = 2;

    /// <summary>Votes older than this no longer count.</summary>
    public TimeSpan SuspicionExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long joining may take (reaching every Active silo) before start-up fails.</summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Dead rows older than this are removed from the table.</summary>
    public TimeSpan DefunctRowExpiry { get; set; } = TimeSpan.FromDays(1);
}
