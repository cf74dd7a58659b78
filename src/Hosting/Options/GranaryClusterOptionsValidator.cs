using System.Net;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>
/// Fails start-up on bad clustering settings, naming key, value and rule; also refuses a cluster whose grain state or
/// reminders would sit in a SQLite file that only one silo can see.
/// </summary>
internal sealed class GranaryClusterOptionsValidator(GranaryProfile profile) : IValidateOptions<GranaryClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, GranaryClusterOptions options)
    {
        var failures = new List<string>();
        var membership = ProviderNames.Membership(options.Membership.Provider);
        if (membership is null)
        {
            failures.Add($"Granary:Cluster:Membership:Provider is {OptionRules.Quote(options.Membership.Provider)} but must be one of {ProviderNames.MembershipAllowed}.");
        }
        else if (membership == MembershipProviderKind.Redis)
        {
            GranaryRemindersOptionsValidator.RedisConfiguration(failures, "Granary:Cluster:Membership:Redis:Configuration", options.Membership.Redis.Configuration);
            ClusterNeedsSharedStores(failures);
        }
        OptionRules.Port(failures, "Granary:Cluster:SiloPort", options.SiloPort, minimum: 1);
        OptionRules.Port(failures, "Granary:Cluster:GatewayPort", options.GatewayPort, minimum: 0);
        if (options.GatewayPort != 0 && options.GatewayPort == options.SiloPort)
        {
            failures.Add($"Granary:Cluster:GatewayPort is {options.GatewayPort} but must differ from Granary:Cluster:SiloPort (or be 0: no gateway).");
        }
        IpAddress(failures, "Granary:Cluster:ListenAddress", options.ListenAddress);
        IpAddress(failures, "Granary:Cluster:AdvertisedAddress", options.AdvertisedAddress);
        if (membership == MembershipProviderKind.Redis && string.IsNullOrWhiteSpace(options.AdvertisedAddress) && AdvertisedAddress.FirstNonLoopbackIPv4() is null)
        {
            failures.Add("Granary:Cluster:AdvertisedAddress is unset and this machine has no non-loopback IPv4 address: set it to the IP other silos reach this one on.");
        }
        OptionRules.Positive(failures, "Granary:Cluster:ProbeTimeout", options.ProbeTimeout);
        OptionRules.AtLeast(failures, "Granary:Cluster:MissedProbesLimit", options.MissedProbesLimit, 1);
        if (options.MaxProbeTimeout < options.ProbeTimeout)
        {
            failures.Add($"Granary:Cluster:MaxProbeTimeout is {options.MaxProbeTimeout} but must be at least Granary:Cluster:ProbeTimeout ({options.ProbeTimeout}).");
        }
        OptionRules.AtLeast(failures, "Granary:Cluster:VotesForDeath", options.VotesForDeath, 1);
        OptionRules.AtLeast(failures, "Granary:Cluster:ProbedSilos", options.ProbedSilos, 1);
        if (options.VotesForDeath > options.ProbedSilos)
        {
            failures.Add($"Granary:Cluster:VotesForDeath is {options.VotesForDeath} but must not exceed Granary:Cluster:ProbedSilos ({options.ProbedSilos}).");
        }
        OptionRules.Positive(failures, "Granary:Cluster:IAmAlivePeriod", options.IAmAlivePeriod);
        OptionRules.Positive(failures, "Granary:Cluster:JoinTimeout", options.JoinTimeout);
        OptionRules.Positive(failures, "Granary:Cluster:DefunctRowExpiry", options.DefunctRowExpiry);
        if (profile.TlsFailure is { } tls)
        {
            failures.Add(tls);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ClusterNeedsSharedStores(List<string> failures)
    {
        if (profile.Storage == StorageProviderKind.Sqlite)
        {
            failures.Add("Granary:Cluster:Membership:Provider is 'Redis' but Granary:Storage:Provider is 'Sqlite': every silo of a cluster " +
                "must see the same grain state, so a cluster needs Granary:Storage:Provider=Postgres.");
        }
        if (profile.Reminders == ReminderProviderKind.Sqlite)
        {
            failures.Add("Granary:Cluster:Membership:Provider is 'Redis' but Granary:Reminders:Provider is 'Sqlite': every silo of a cluster " +
                "must see the same reminder table, so a cluster needs Granary:Reminders:Provider=Redis.");
        }
    }

    private static void IpAddress(List<string> failures, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !IPAddress.TryParse(value, out _))
        {
            failures.Add($"{key} is '{value}' but must be an IP address (not a host name), or unset.");
        }
    }
}
