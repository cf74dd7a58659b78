using System.Globalization;
using Orleans.Configuration;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// A named set of <see cref="ClusterMembershipOptions"/> values that the detection bench compares. Every silo of a
/// run (this process and the children, which receive the name) applies the same set.
/// </summary>
internal sealed record MembershipSet(string Name, Action<ClusterMembershipOptions> Apply)
{
    /// <summary>Orleans's own defaults, untouched.</summary>
    public static readonly MembershipSet Defaults = new("defaults", _ => { });

    /// <summary>The aggressive set the first Orleans probe on this machine tried (0.9 s detection there).</summary>
    public static readonly MembershipSet P1M2V1 = Timing("p1-m2-v1", probeTimeoutSeconds: 1, missedProbes: 2, votes: 1);

    /// <summary>Faster probes, Orleans's voting rules (3 missed probes, 2 votes).</summary>
    public static readonly MembershipSet P1M3V2 = Timing("p1-m3-v2", probeTimeoutSeconds: 1, missedProbes: 3, votes: 2);

    /// <summary>Probes at 2 s, Orleans's voting rules.</summary>
    public static readonly MembershipSet P2M3V2 = Timing("p2-m3-v2", probeTimeoutSeconds: 2, missedProbes: 3, votes: 2);

    /// <summary>
    /// <see cref="P1M3V2"/> with the adaptive probe timeout capped at 3 s instead of 4: a silo that hangs with its
    /// connections open is voted out after MaxProbeTimeout × NumMissedProbesLimit = 9 s of silence, not 12.
    /// </summary>
    public static readonly MembershipSet P1M3V2X3 = Timing("p1-m3-v2-x3", probeTimeoutSeconds: 1, missedProbes: 3, votes: 2, maxProbeTimeoutSeconds: 3);

    /// <summary>
    /// <see cref="P1M3V2"/> without <see cref="ClusterMembershipOptions.EnableConnectionLivenessCheck"/>: shows what
    /// protects a stalled silo (with the check off, missed probes alone decide).
    /// </summary>
    public static readonly MembershipSet P1M3V2NoLivenessCheck = new("p1-m3-v2-nolc", o =>
    {
        P1M3V2.Apply(o);
        o.EnableConnectionLivenessCheck = false;
    });

    /// <summary>
    /// Granary's choice, whose figures <c>cluster detection</c> prints without a suffix. Chosen from <see cref="All"/>
    /// on this 2-core machine: a killed silo is Dead in well under 10 s, a 3 s stall is never declared dead, a hung silo
    /// goes in seconds rather than a minute, and the voting rules stay Orleans's (no single silo can evict another).
    /// </summary>
    public static MembershipSet Granary => P1M3V2X3;

    /// <summary>Every set the bench knows, Granary's first.</summary>
    public static IReadOnlyList<MembershipSet> All { get; } = [Granary, .. new[] { Defaults, P1M2V1, P2M3V2, P1M3V2, P1M3V2X3, P1M3V2NoLivenessCheck }.Where(s => s != Granary)];

    /// <summary>The suffix of this set's figures: none for Granary's, else "_" + the name.</summary>
    public string FigureSuffix => this == Granary ? "" : "_" + Name.Replace('-', '_');

    public static MembershipSet Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Unknown membership option set '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.", nameof(name));

    private static MembershipSet Timing(string name, int probeTimeoutSeconds, int missedProbes, int votes, int? maxProbeTimeoutSeconds = null) =>
        new(name, o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(probeTimeoutSeconds);
            o.NumMissedProbesLimit = missedProbes;
            o.NumVotesForDeathDeclaration = votes;
            if (maxProbeTimeoutSeconds is { } max)
            {
                o.MaxProbeTimeout = TimeSpan.FromSeconds(max);
            }
        });

    /// <summary>The options this set yields.</summary>
    public ClusterMembershipOptions Options()
    {
        var options = new ClusterMembershipOptions();
        Apply(options);
        return options;
    }

    /// <summary>The values that decide detection, as read back from the options (Orleans's own defaults included).</summary>
    public string Describe()
    {
        var o = Options();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name}: ProbeTimeout {o.ProbeTimeout.TotalSeconds:0.##} s (adaptive {o.MinProbeTimeout.TotalSeconds:0.##}-{o.MaxProbeTimeout.TotalSeconds:0.##} s), " +
            $"NumMissedProbesLimit {o.NumMissedProbesLimit}, NumVotesForDeathDeclaration {o.NumVotesForDeathDeclaration}, " +
            $"EnableConnectionLivenessCheck {o.EnableConnectionLivenessCheck}");
    }
}
