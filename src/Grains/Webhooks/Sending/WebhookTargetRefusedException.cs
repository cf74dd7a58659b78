namespace Granary.Grains.Webhooks.Sending;

/// <summary>Thrown by the sender's connect step when no address of the target may be contacted; becomes a Refused outcome.</summary>
internal sealed class WebhookTargetRefusedException(string reason) : Exception(reason);
