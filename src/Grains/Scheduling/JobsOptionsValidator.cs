using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Granary.Grains.Scheduling;

/// <summary>Fails start-up naming the option, its value and the rule it breaks.</summary>
internal sealed class JobsOptionsValidator(IOptions<ReminderOptions> reminders) : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions o)
    {
        var failures = new List<string>();
        var floor = reminders.Value.MinimumReminderPeriod;
        if (o.MaintenanceInterval < floor)
        {
            failures.Add($"Granary:Jobs:MaintenanceInterval is {o.MaintenanceInterval} but must be at least {floor} (the shortest reminder period, Granary:Reminders:MinimumPeriod).");
        }
        if (o.MaintenanceBatchSize is < 1 or > 10_000)
        {
            failures.Add($"Granary:Jobs:MaintenanceBatchSize is {o.MaintenanceBatchSize} but must be 1-10000.");
        }
        if (o.ReminderCheckInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Granary:Jobs:ReminderCheckInterval is {o.ReminderCheckInterval} but must be at least 00:00:01.");
        }
        if (o.MaintenanceMaxBatches < 1)
        {
            failures.Add($"Granary:Jobs:MaintenanceMaxBatches is {o.MaintenanceMaxBatches} but must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
