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
/// The syntactic check of <see cref="WebhookUrl"/>.
/// ADDRESS POLICY: the SSRF policy (Granary.Grains.Webhooks.Sending.TargetAddressPolicy: loopback, private,
/// link-local and metadata addresses refused unless WebhookOptions.AllowedTargets allows them) plugs in here, after the
/// syntactic check; deliveries check it again at send time, since DNS answers change.
/// </summary>
internal sealed class WebhookUrlCheck : IWebhookUrlCheck
{
    public ValueTask<string?> CheckAsync(string url, CancellationToken cancellationToken) => ValueTask.FromResult(WebhookUrl.Problem(url));
}
