using Microsoft.Extensions.Options;

namespace Granary.Runtime.Hosting;

/// <summary>Fails start-up with the option, its value and the rule it breaks.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.ResponseTimeout), options.ResponseTimeout);
        Positive(failures, nameof(options.DeadlineCheckInterval), options.DeadlineCheckInterval);
        Positive(failures, nameof(options.CollectionAge), options.CollectionAge);
        Positive(failures, nameof(options.CollectionQuantum), options.CollectionQuantum);
        Positive(failures, nameof(options.ActivationTimeout), options.ActivationTimeout);
        Positive(failures, nameof(options.DeactivationTimeout), options.DeactivationTimeout);
        Positive(failures, nameof(options.ShutdownTimeout), options.ShutdownTimeout);
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Granary:ClusterId must not be empty.");
        }
        if (options.CollectionQuantum > options.CollectionAge)
        {
            failures.Add($"Granary:CollectionQuantum ({options.CollectionQuantum}) must not exceed Granary:CollectionAge ({options.CollectionAge}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Granary:{option} is {value} but must be a positive time span.");
        }
    }
}
