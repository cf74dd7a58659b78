using Microsoft.Extensions.Options;

namespace Granary.Runtime.Reminders;

/// <summary>Fails start-up with the option, its value and the rule it breaks.</summary>
internal sealed class ReminderOptionsValidator : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options)
    {
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"Granary:Reminders:PollInterval is {options.PollInterval} but must be positive.");
        }
        if (options.LeaseDuration < options.PollInterval * 2)
        {
            failures.Add($"Granary:Reminders:LeaseDuration is {options.LeaseDuration} but must be at least twice PollInterval ({options.PollInterval}).");
        }
        if (options.BucketCount is < 1 or > 65536)
        {
            failures.Add($"Granary:Reminders:BucketCount is {options.BucketCount} but must be between 1 and 65536.");
        }
        if (options.ClaimBatchSize < 1)
        {
            failures.Add($"Granary:Reminders:ClaimBatchSize is {options.ClaimBatchSize} but must be at least 1.");
        }
        if (options.MinimumPeriod < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Granary:Reminders:MinimumPeriod is {options.MinimumPeriod} but must be at least one second.");
        }
        if (options.MaxAttempts < 1)
        {
            failures.Add($"Granary:Reminders:MaxAttempts is {options.MaxAttempts} but must be at least 1.");
        }
        if (options.RetryBackoffBase <= TimeSpan.Zero || options.RetryBackoffMax < options.RetryBackoffBase)
        {
            failures.Add($"Granary:Reminders:RetryBackoffBase ({options.RetryBackoffBase}) must be positive and not above RetryBackoffMax ({options.RetryBackoffMax}).");
        }
        if (options.MaxConcurrentDeliveries < 1)
        {
            failures.Add($"Granary:Reminders:MaxConcurrentDeliveries is {options.MaxConcurrentDeliveries} but must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
