using System.Text.Json;
using System.Text.Json.Serialization;
using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Grains.Webhooks;

namespace Granary.WebApi.Queries;

/// <summary>
/// Reads the state rows of job grains as their grains write them (camelCase, enums by name): a webhook delivery
/// (grain type "webhookdelivery", state "delivery") and an email job ("emailjob", "email"). Their ids are the part of
/// the grain key after "{orgId}/".
/// </summary>
internal static class JobRows
{
    public const string DeliveryType = "webhookdelivery";
    public const string DeliveryState = "delivery";
    public const string EmailJobType = "emailjob";
    public const string EmailJobState = "email";

    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static WebhookDeliveryInfo Delivery(string payload, string grainKey)
    {
        var row = JsonSerializer.Deserialize<DeliveryRow>(payload, Options) ?? throw new JsonException("A delivery row holds null.");
        return new WebhookDeliveryInfo(IdOf(grainKey), row.OrganizationId, row.EndpointId, row.EventId, row.EventType, row.Status, row.AttemptCount,
            row.NextAttemptAt, row.CreatedAt, row.UpdatedAt, row.Attempts ?? []);
    }

    public static EmailJobInfo EmailJob(string payload, string grainKey)
    {
        var row = JsonSerializer.Deserialize<EmailJobRow>(payload, Options) ?? throw new JsonException("An email job row holds null.");
        return new EmailJobInfo(IdOf(grainKey), row.OrganizationId, row.Template, row.To, row.Subject ?? "", row.Status, row.AttemptCount,
            row.LastError, row.NextAttemptAt, row.CreatedAt, row.UpdatedAt);
    }

    private static string IdOf(string grainKey) => grainKey[(grainKey.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    private sealed record DeliveryRow(
        string OrganizationId, string EndpointId, string EventId, string EventType, JobStatus Status, int AttemptCount,
        DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, List<WebhookAttempt>? Attempts);

    private sealed record EmailJobRow(
        string OrganizationId, EmailTemplate Template, string To, string? Subject, JobStatus Status, int AttemptCount, string? LastError,
        DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
}
