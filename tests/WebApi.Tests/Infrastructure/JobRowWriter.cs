using System.Text.Json;
using Granary.Runtime;
using Granary.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// Writes job state rows straight into the silo's grain storage in the documented shape (camelCase, enums by name),
/// as the delivery and email job grains store them, so the SQL lists can be tested on rows of known content.
/// </summary>
public static class JobRowWriter
{
    public static async Task WriteDeliveryAsync(this ApiFactory factory, string org, string deliveryId, string endpointId, string status, DateTimeOffset createdAt, params object[] attempts)
    {
        var row = new
        {
            organizationId = org,
            endpointId,
            eventId = "evt_" + deliveryId,
            eventType = "order.created",
            payload = """{"type":"order.created"}""",
            status,
            attemptCount = attempts.Length,
            nextAttemptAt = status == "Retrying" ? createdAt.AddMinutes(5) : (DateTimeOffset?)null,
            createdAt,
            updatedAt = createdAt.AddSeconds(1),
            attempts,
        };
        await WriteAsync(factory, new GrainId("webhookdelivery", $"{org}/{deliveryId}"), "delivery", row);
    }

    public static object Attempt(int number, DateTimeOffset at, string outcome, int? statusCode, string? responseBody, string? error = null) =>
        new { number, at, outcome, statusCode, latencyMs = 12.5, responseBody, error };

    public static async Task WriteEmailJobAsync(this ApiFactory factory, string org, string jobId, string status, DateTimeOffset createdAt)
    {
        var row = new
        {
            organizationId = org,
            template = "WebhookEndpointDisabled",
            to = "owner@example.com",
            subject = "A webhook endpoint was disabled",
            status,
            attemptCount = status == "Pending" ? 0 : 1,
            lastError = status == "Dead" ? "SMTP is not configured" : null,
            nextAttemptAt = (DateTimeOffset?)null,
            createdAt,
            updatedAt = createdAt.AddSeconds(1),
        };
        await WriteAsync(factory, new GrainId("emailjob", $"{org}/{jobId}"), "email", row);
    }

    private static async Task WriteAsync(ApiFactory factory, GrainId id, string stateName, object row)
    {
        var storage = factory.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        await storage.WriteAsync(id, stateName, JsonSerializer.Serialize(row), etag: null, CancellationToken.None);
    }
}
