using Microsoft.Extensions.Options;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>Fails start-up with the option, its value and the rule it breaks.</summary>
internal sealed class SiloTransportOptionsValidator : IValidateOptions<SiloTransportOptions>
{
    /// <summary>Shortest shared secret accepted.</summary>
    public const int MinimumSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, SiloTransportOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.SharedSecret))
        {
            failures.Add("Granary:Cluster:SharedSecret is not set; every silo of the cluster needs the same secret.");
        }
        else if (options.SharedSecret.Length < MinimumSecretLength)
        {
            failures.Add($"Granary:Cluster:SharedSecret has {options.SharedSecret.Length} characters but needs at least {MinimumSecretLength}: it is all that keeps strangers from calling grains.");
        }
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Granary:Cluster:ClusterId must not be empty.");
        }
        Positive(failures, nameof(options.ConnectTimeout), options.ConnectTimeout);
        Positive(failures, nameof(options.DeadlineCheckInterval), options.DeadlineCheckInterval);
        if (options.MaxFrameBytes < 1024)
        {
            failures.Add($"Granary:Cluster:MaxFrameBytes is {options.MaxFrameBytes} but must be at least 1024.");
        }
        if (options.MaxInFlightPerConnection < 1)
        {
            failures.Add($"Granary:Cluster:MaxInFlightPerConnection is {options.MaxInFlightPerConnection} but must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Granary:Cluster:{option} is {value} but must be a positive time span.");
        }
    }
}
