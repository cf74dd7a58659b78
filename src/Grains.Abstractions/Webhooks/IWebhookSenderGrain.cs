namespace Granary.Grains.Webhooks;

/// <summary>
/// Sends one webhook HTTP request (a stateless worker: the I/O of deliveries, local to each silo). Never throws for
/// what the target does: refusals, timeouts and non-2xx answers come back as a <see cref="WebhookSendResult"/>.
/// </summary>
[Alias("granary.IWebhookSenderGrain")]
public interface IWebhookSenderGrain : IGrainWithIntegerKey
{
    Task<WebhookSendResult> Send(WebhookSendRequest request);
}

/// <summary>
/// One attempt: POST <see cref="Url"/> with <see cref="Body"/> (JSON) and the Standard Webhooks headers
/// (<c>webhook-id</c> = <see cref="MessageId"/>, <c>webhook-timestamp</c> = <see cref="Timestamp"/> in Unix seconds,
/// <c>webhook-signature</c> = "v1,base64(HMAC-SHA256(secret, id.timestamp.body))" for each secret in
/// <see cref="Secrets"/>, space separated). Secrets are "whsec_" + base64 of the key bytes.
/// </summary>
[GenerateSerializer, Immutable, Alias("granary.WebhookSendRequest")]
public sealed record WebhookSendRequest(string Url, string MessageId, DateTimeOffset Timestamp, string Body, IReadOnlyList<string> Secrets);

/// <summary>What came of an attempt.</summary>
/// <param name="Outcome">Success for 2xx, Gone for 410, Refused when the address is not allowed (SSRF policy), Failed otherwise.</param>
/// <param name="StatusCode">The HTTP status when there was an answer.</param>
/// <param name="LatencyMs">From sending to the end of the (capped) response body, or to the failure.</param>
/// <param name="ResponseBody">The first bytes of the response body as text (at most WebhookOptions.MaxLoggedResponseChars).</param>
/// <param name="Error">For failures without an answer: timeout, connection refused, refused address, redirect, …</param>
[GenerateSerializer, Immutable, Alias("granary.WebhookSendResult")]
public sealed record WebhookSendResult(WebhookSendOutcome Outcome, int? StatusCode, double LatencyMs, string? ResponseBody, string? Error);

public enum WebhookSendOutcome
{
    Success,
    Failed,
    Gone,
    Refused,
}
