using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Emails;

/// <summary>Registers what email jobs need beside their options.</summary>
public static class EmailServices
{
    /// <summary>The SMTP sender and the job counters, one each per silo.</summary>
    public static IServiceCollection AddEmailJobs(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<EmailJobMetrics>();
        return services;
    }
}
