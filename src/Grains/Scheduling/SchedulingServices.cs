using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Scheduling;

/// <summary>Registers scheduled work: options, the daily-summary notifier and the start-up that schedules maintenance.</summary>
public static class SchedulingServices
{
    /// <summary>
    /// <paramref name="jobs"/> is the <c>Granary:Jobs</c> section. The notifier is a default that a test may replace by
    /// registering its own; the sweep's <see cref="IExpiredRecords"/> comes from the read model.
    /// </summary>
    public static IServiceCollection AddGranaryScheduling(this IServiceCollection services, IConfiguration jobs)
    {
        services.AddOptions<JobsOptions>().Bind(jobs).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>());
        services.TryAddSingleton<IDailySummaryNotifier, EmailDailySummaryNotifier>();
        services.AddHostedService<MaintenanceStartup>();
        return services;
    }
}
