using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>Registers the outbound HTTP side of webhooks.</summary>
public static class WebhookSendingServices
{
    /// <summary>The <see cref="TargetAddressPolicy"/> (from <see cref="WebhookOptions.AllowedTargets"/>; the API checks endpoint URLs with it) and the shared <see cref="WebhookHttpSender"/>.</summary>
    public static IServiceCollection AddWebhookSending(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookSendingOptionsValidator>());
        services.TryAddSingleton(sp => new TargetAddressPolicy(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowedTargets));
        services.TryAddSingleton<IWebhookAddressPolicy>(sp => sp.GetRequiredService<TargetAddressPolicy>());
        services.TryAddSingleton(sp => new WebhookHttpSender(
            sp.GetRequiredService<IOptions<WebhookOptions>>(),
            sp.GetRequiredService<TargetAddressPolicy>(),
            // Attempt timeouts and latencies are wall-clock time, not the grains' (possibly fake) clock.
            TimeProvider.System,
            sp.GetRequiredService<ILogger<WebhookHttpSender>>()));
        return services;
    }
}
