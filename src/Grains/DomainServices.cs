using Granary.Grains.Emails;
using Granary.Grains.Scheduling;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains;

/// <summary>Services the domain's grains need beside the runtime: options of webhooks and email.</summary>
public static class DomainServices
{
    /// <summary>Registers them from the <c>Granary</c> configuration section (sub-sections Webhooks and Email).</summary>
    public static IServiceCollection AddGranaryDomain(this IServiceCollection services, IConfiguration granary)
    {
        ArgumentNullException.ThrowIfNull(granary);
        services.Configure<WebhookOptions>(granary.GetSection("Webhooks"));
        services.Configure<EmailOptions>(granary.GetSection("Email"));
        services.AddGranaryScheduling(granary.GetSection("Jobs"));
        return services;
    }
}
