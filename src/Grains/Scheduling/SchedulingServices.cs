using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Scheduling;

/// <summary>Registers scheduled work: options, the daily-summary notifier, expired-record look-ups and the start-up that schedules maintenance.</summary>
public static class SchedulingServices
{
    /// <summary>
    /// <paramref name="jobs"/> is the <c>Granary:Jobs</c> section. The notifier and <see cref="IExpiredRecords"/> are
    /// defaults that a host (the API's SQL queries) or a test may replace by registering its own.
    /// </summary>
    public static IServiceCollection AddGranaryScheduling(this IServiceCollection services, IConfiguration jobs)
    {
        services.AddOptions<JobsOptions>().Bind(jobs).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>());
        services.TryAddSingleton<IDailySummaryNotifier, EmailDailySummaryNotifier>();
        services.TryAddSingleton<IExpiredRecords, NoExpiredRecords>();
        services.AddHostedService<MaintenanceStartup>();
        return services;
    }
}
