using System.Security.Cryptography;
using System.Text.Json;
using Granary.Grains.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Granary.WebApi.Webhooks;

/// <summary><c>POST …/webhooks/{id}/test</c>: a "webhook.test" event, delivered like any other (signed, logged, retried).</summary>
internal static class WebhookTestEvent
{
    public const string EventType = "webhook.test";

    public static async Task<Results<Accepted<DeliveryAcceptedResponse>, ProblemHttpResult>> Send(
        string org, string id, IGrainFactory grains, TimeProvider time)
    {
        if (!WebhookEndpoints.IsEndpointId(id) || await grains.GetGrain<IWebhookEndpointsGrain>(org).Get(id) is null)
        {
            return WebhookEndpoints.NotFound();
        }
        var now = time.GetUtcNow();
        var eventId = "evt_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var deliveryId = WebhookDeliveryKey.DeliveryId(eventId, id);
        var payload = JsonSerializer.Serialize(new
        {
            type = EventType,
            timestamp = now,
            data = new { organizationId = org, endpointId = id, message = "A test event sent from the Granary API." },
        });
        var delivery = await grains.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(org, deliveryId))
            .Start(new NewWebhookDelivery(org, id, eventId, EventType, payload, now));
        return TypedResults.Accepted($"/api/v1/orgs/{org}/webhooks/deliveries/{deliveryId}", new DeliveryAcceptedResponse(delivery.Id, JobNames.Status(delivery.Status)));
    }
}
