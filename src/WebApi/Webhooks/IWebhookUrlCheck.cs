using Granary.Grains.Webhooks;
namespace Granary.WebApi.Webhooks;

/// <summary>
/// The one check every webhook URL passes before it is stored (create and update call it, nothing else): null when
/// the URL may be used, otherwise the message of a 400 on field "url".
/// </summary>
internal interface IWebhookUrlCheck
{
    ValueTask<string?> CheckAsync(string url, CancellationToken cancellationToken);
}

/// <summary>
/// The syntactic check of <see cref="WebhookUrl"/>, then the address policy (<see cref="IWebhookAddressPolicy"/>:
/// an IP-address or localhost host that is loopback, private, link-local or a metadata address is refused unless
/// Webhooks:AllowedTargets allows it). Host names are judged again by every delivery when it connects, since DNS
/// answers change.
/// </summary>
internal sealed class WebhookUrlCheck(IWebhookAddressPolicy policy) : IWebhookUrlCheck
{
    public ValueTask<string?> CheckAsync(string url, CancellationToken cancellationToken) =>
        ValueTask.FromResult(WebhookUrl.Problem(url) ?? policy.CheckUrl(url));
}
