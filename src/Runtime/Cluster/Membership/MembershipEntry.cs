using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Membership;

/// <summary>One silo's row in the membership table.</summary>
public sealed record MembershipEntry
{
    /// <summary>The silo's identity: host, silo port, generation.</summary>
    public required SiloAddress Address { get; init; }

    /// <summary>The silo's name (for people).</summary>
    public required string SiloName { get; init; }

    /// <summary>The port its HTTP API listens on (0 when it serves none).</summary>
    public int HttpPort { get; init; }

    public required SiloStatus Status { get; init; }

    /// <summary>When the silo started (table server time).</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>The last time the silo wrote that it is alive (table server time).</summary>
    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>Votes of other silos that failed to reach this one.</summary>
    public IReadOnlyList<Suspicion> Suspicions { get; init; } = [];
}

/// <summary>A vote by <paramref name="Voter"/>, at <paramref name="Time"/> (table server time), that a silo is unreachable.</summary>
public sealed record Suspicion(SiloAddress Voter, DateTimeOffset Time);

/// <summary>The whole table at one version. Every insert or update bumps the version; I-am-alive writes don't.</summary>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<MembershipEntry> Entries)
{
    public static MembershipSnapshot Empty { get; } = new(0, []);

    public MembershipEntry? Find(SiloAddress address) => Entries.FirstOrDefault(e => e.Address == address);
}
