using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Granary.Hosting;

/// <summary>Fails start-up on an unknown reminder provider, a bad Redis configuration or a non-positive period.</summary>
internal sealed class GranaryRemindersOptionsValidator : IValidateOptions<GranaryRemindersOptions>
{
    public ValidateOptionsResult Validate(string? name, GranaryRemindersOptions options)
    {
        var failures = new List<string>();
        OptionRules.Positive(failures, "Granary:Reminders:MinimumPeriod", options.MinimumPeriod);
        switch (ProviderNames.Reminders(options.Provider))
        {
            case ReminderProviderKind.Sqlite:
                if (options.Sqlite.Path is { } path && string.IsNullOrWhiteSpace(path))
                {
                    failures.Add("Granary:Reminders:Sqlite:Path is blank but must be a file path or unset (unset: the storage's file).");
                }
                break;
            case ReminderProviderKind.Redis:
                RedisConfiguration(failures, "Granary:Reminders:Redis:Configuration", options.Redis.Configuration);
                break;
            default:
                failures.Add($"Granary:Reminders:Provider is {OptionRules.Quote(options.Provider)} but must be one of {ProviderNames.RemindersAllowed}.");
                break;
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void RedisConfiguration(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is empty but must be a StackExchange.Redis configuration string such as 'redis:6379'.");
            return;
        }
        try
        {
            if (ConfigurationOptions.Parse(value).EndPoints.Count == 0)
            {
                failures.Add($"{key} names no server but must name at least one, such as 'redis:6379'.");
            }
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{key} is not a valid StackExchange.Redis configuration string ({ex.Message}).");
        }
    }
}
