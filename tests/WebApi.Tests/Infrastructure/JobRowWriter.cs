using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Grains.Webhooks;
using Granary.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// Writes job rows straight into the silo's read model, as the delivery and email job grains keep them, so the lists
/// can be tested on rows of known content without running the jobs.
/// </summary>
public static class JobRowWriter
{
    public static Task WriteDeliveryAsync(this ApiFactory factory, string org, string deliveryId, string endpointId, string status, DateTimeOffset createdAt, params WebhookAttempt[] attempts)
    {
        var parsed = Enum.Parse<JobStatus>(status);
        var delivery = new WebhookDeliveryInfo(
            deliveryId, org, endpointId, "evt_" + deliveryId, "order.created", parsed, attempts.Length,
            parsed == JobStatus.Retrying ? createdAt.AddMinutes(5) : null, createdAt, createdAt.AddSeconds(1), attempts);
        return Writer(factory).WriteDeliveryAsync(delivery, revision: 1);
    }

    public static WebhookAttempt Attempt(int number, DateTimeOffset at, string outcome, int? statusCode, string? responseBody, string? error = null) =>
        new(number, at, Enum.Parse<WebhookSendOutcome>(outcome), statusCode, 12.5, responseBody, error);

    public static Task WriteEmailJobAsync(this ApiFactory factory, string org, string jobId, string status, DateTimeOffset createdAt)
    {
        var parsed = Enum.Parse<JobStatus>(status);
        var job = new EmailJobInfo(
            jobId, org, EmailTemplate.WebhookEndpointDisabled, "owner@example.com", "A webhook endpoint was disabled", parsed,
            parsed == JobStatus.Pending ? 0 : 1, parsed == JobStatus.Dead ? "SMTP is not configured" : null, null, createdAt, createdAt.AddSeconds(1));
        return Writer(factory).WriteEmailJobAsync(job, revision: 1);
    }

    private static IReadModelWriter Writer(ApiFactory factory) => factory.Services.GetRequiredService<IReadModelWriter>();
}
