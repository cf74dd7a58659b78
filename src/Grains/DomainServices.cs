using Granary.Grains.Emails;
using Granary.Grains.Events;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Scheduling;
using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Sending;
using Granary.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains;

/// <summary>Services the domain's grains need beside the runtime: webhook sending, email, event hand-over, scheduled jobs, the read model.</summary>
public static class DomainServices
{
    /// <summary>Registers them from the <c>Granary</c> configuration section (sub-sections Webhooks, Email, Events and Jobs).</summary>
    public static IServiceCollection AddGranaryDomain(this IServiceCollection services, IConfiguration granary)
    {
        ArgumentNullException.ThrowIfNull(granary);
        services.Configure<WebhookOptions>(granary.GetSection("Webhooks"));
        services.Configure<EmailOptions>(granary.GetSection("Email"));
        services.Configure<EventOptions>(granary.GetSection("Events"));
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<OrderMetrics>();
        services.AddHostedService<JobBacklogGauge>();
        services.AddWebhookSending();
        services.AddEmailJobs();
        services.AddGranaryScheduling(granary.GetSection("Jobs"));

        // A host with SQL storage registered its read model first (AddReadModel); otherwise there is none to keep.
        services.AddReadModel(_ => ReadModelDatabase.None);
        return services;
    }
}
