using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>Email jobs that need no retry: sent at once, idempotent, dead at once when nothing could ever be sent.</summary>
public sealed class EmailJobGrainTests(EmailClusterFixture fixture) : IClassFixture<EmailClusterFixture>
{
    private readonly SinkView _sink = new(fixture.Sink);
    private readonly string _jobId = "job-" + Guid.NewGuid().ToString("N");

    private IGrainFactory Grains => fixture.Grains;

    private FakeTimeProvider Time => fixture.Time;

    [Fact]
    public async Task Enqueue_SendsTheRenderedTemplateOverSmtp()
    {
        var job = Grains.EmailJob("org1", _jobId);

        var info = await job.Enqueue(Shipped(to: "ada@example.com"));

        Assert.Equal(
            new EmailJobInfo(_jobId, "org1", EmailTemplate.OrderShipped, "ada@example.com", "Order o-42 has shipped", JobStatus.Succeeded, 1, null, null, Time.GetUtcNow(), Time.GetUtcNow()),
            info);
        var sent = Assert.Single(_sink.Messages);
        Assert.Equal(["ada@example.com"], sent.Recipients);
        Assert.Equal("tests@granary.local", sent.From);
        Assert.Equal("Order o-42 has shipped", sent.Subject);
        Assert.Equal("Your order o-42 is on its way.\n\nTracking number: TRK<9>\n", sent.TextBody!.ReplaceLineEndings("\n"));
        Assert.Contains("Tracking number: <strong>TRK&lt;9&gt;</strong>", sent.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(info, await job.Get());
    }

    [Fact]
    public async Task Enqueue_Twice_SendsOnce_AndReturnsTheStoredJob()
    {
        var job = Grains.EmailJob("org1", _jobId);
        var first = await job.Enqueue(Shipped());
        Time.Advance(TimeSpan.FromMinutes(1));

        var second = await job.Enqueue(Shipped(to: "someone-else@example.com"));

        Assert.Equal(first, second);
        Assert.Single(_sink.Messages);
    }

    [Fact]
    public async Task Enqueue_WithAMissingValue_IsDeadAtOnce_AndNeverRetried()
    {
        var job = Grains.EmailJob("org1", _jobId);
        var request = new EmailRequest("org1", EmailTemplate.OrderShipped, "ada@example.com", new Dictionary<string, string> { ["orderId"] = "o-1" });

        var info = await job.Enqueue(request);

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(0, info.AttemptCount);
        Assert.Equal("Email template 'order-shipped' has no value for {{trackingNumber}}.", info.LastError);
        Assert.Null(info.NextAttemptAt);
        Assert.Null(await fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder));

        Assert.Equal(info, await job.Retry());
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(info, await job.Get());
        Assert.Empty(_sink.Messages);
        Assert.Equal(0, _sink.RejectedCount);
    }

    [Fact]
    public async Task Enqueue_RefusesARequestForAnotherOrganization_OrABadAddress_AndStoresNothing()
    {
        var job = Grains.EmailJob("org1", _jobId);

        await Assert.ThrowsAsync<ArgumentException>(() => job.Enqueue(Shipped(organizationId: "org2")));
        await Assert.ThrowsAsync<ArgumentException>(() => job.Enqueue(Shipped(to: "not an address")));

        Assert.Null(await job.Get());
        Assert.Null(await job.Retry());
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task Retry_OfASucceededJob_SendsNothing()
    {
        var job = Grains.EmailJob("org1", _jobId);
        var sent = await job.Enqueue(Shipped());

        Assert.Equal(sent, await job.Retry());
        Assert.Single(_sink.Messages);
    }
}
