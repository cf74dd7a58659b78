namespace Granary.Grains.Webhooks.Sending;

/// <summary>
/// The silo-local door to <see cref="WebhookHttpSender"/>. Reentrant because it holds no state and spends its time
/// waiting on the network: a slow target must not hold up the sends queued behind it on the same worker.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class WebhookSenderGrain(WebhookHttpSender sender) : Grain, IWebhookSenderGrain
{
    public Task<WebhookSendResult> Send(WebhookSendRequest request) => sender.Send(request);
}
