using Microsoft.Extensions.Options;

namespace Granary.Runtime.Cluster;

/// <summary>Fails start-up with the option, its value and the rule it breaks.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions o)
    {
        var failures = new List<string>();
        if (!System.Net.IPAddress.TryParse(o.ListenAddress, out _))
        {
            failures.Add($"Granary:Cluster:ListenAddress is '{o.ListenAddress}' but must be an IP address (0.0.0.0 for all).");
        }
        if (o.SiloPort is < 0 or > 65535)
        {
            failures.Add($"Granary:Cluster:SiloPort is {o.SiloPort} but must be 0-65535.");
        }
        foreach (var (option, value) in new[]
        {
            (nameof(o.IAmAlivePeriod), o.IAmAlivePeriod), (nameof(o.DeathTimeout), o.DeathTimeout), (nameof(o.RefreshPeriod), o.RefreshPeriod),
            (nameof(o.ProbeInterval), o.ProbeInterval), (nameof(o.ProbeTimeout), o.ProbeTimeout), (nameof(o.SuspicionExpiry), o.SuspicionExpiry),
            (nameof(o.JoinTimeout), o.JoinTimeout), (nameof(o.DefunctRowExpiry), o.DefunctRowExpiry),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Granary:Cluster:{option} is {value} but must be a positive time span.");
            }
        }
        if (o.DeathTimeout <= o.IAmAlivePeriod * 2)
        {
            failures.Add($"Granary:Cluster:DeathTimeout ({o.DeathTimeout}) must exceed twice IAmAlivePeriod ({o.IAmAlivePeriod}), or live silos would be declared dead.");
        }
        if (o.MissedProbesLimit < 1 || o.ProbedSilos < 1 || o.VotesForDeath < 1)
        {
            failures.Add("Granary:Cluster:MissedProbesLimit, ProbedSilos and VotesForDeath must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
