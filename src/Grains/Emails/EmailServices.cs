using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Emails;

/// <summary>Registers what email jobs need beside their options.</summary>
public static class EmailServices
{
    /// <summary>The SMTP sender (one per silo) and the meter factory the job counters use.</summary>
    public static IServiceCollection AddEmailJobs(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<SmtpEmailSender>();
        return services;
    }
}
