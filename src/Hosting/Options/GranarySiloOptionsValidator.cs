using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>Fails start-up when a silo-wide setting is out of range, naming key, value and rule.</summary>
internal sealed class GranarySiloOptionsValidator : IValidateOptions<GranarySiloOptions>
{
    // Orleans looks for idle activations once per quantum (1 min by default) and refuses a collection age not above it.
    private static readonly TimeSpan CollectionQuantum = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, GranarySiloOptions options)
    {
        var failures = new List<string>();
        OptionRules.NotEmpty(failures, "Granary:SiloName", options.SiloName, "to name the silo");
        OptionRules.NotEmpty(failures, "Granary:ClusterId", options.ClusterId, "to name the cluster");
        OptionRules.NotEmpty(failures, "Granary:ServiceId", options.ServiceId, "to key stored state");
        OptionRules.Positive(failures, "Granary:ResponseTimeout", options.ResponseTimeout);
        OptionRules.Positive(failures, "Granary:ActivationTimeout", options.ActivationTimeout);
        OptionRules.Positive(failures, "Granary:DeactivationTimeout", options.DeactivationTimeout);
        OptionRules.Positive(failures, "Granary:ShutdownTimeout", options.ShutdownTimeout);
        if (options.CollectionAge <= CollectionQuantum)
        {
            failures.Add($"Granary:CollectionAge is {OptionRules.Format(options.CollectionAge)} but must be longer than " +
                $"{OptionRules.Format(CollectionQuantum)} (Orleans's collection quantum).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
