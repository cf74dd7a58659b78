using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Granary.Hosting;

/// <summary>
/// Reads a reminder that does not exist through Orleans's own reminder table, which is a round trip to the table's store
/// (SQLite file or Redis) along the very path reminders take.
/// </summary>
internal sealed class ReminderTableHealthCheck(IServiceProvider services, GranaryProfile profile) : IHealthCheck
{
    private static readonly GrainId Probe = GrainId.Create("granary-health", "probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var location = Location();
        if (services.GetService(typeof(IReminderTable)) is not IReminderTable table)
        {
            return HealthCheckResult.Unhealthy($"{location}: no reminder table is registered");
        }
        try
        {
            // The table's methods take no token: stop waiting when the check's time is up.
            await table.ReadRows(Probe).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy(location);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{location}: {ex.Message}", ex);
        }
    }

    // Endpoints only: the Redis configuration string may hold a password.
    private string Location() => profile.Reminders switch
    {
        ReminderProviderKind.Redis => string.Join(",", ConfigurationOptions.Parse(profile.RemindersRedisConfiguration).EndPoints.Select(EndPointCollection.ToString)),
        _ => profile.RemindersSqlitePath,
    };
}
