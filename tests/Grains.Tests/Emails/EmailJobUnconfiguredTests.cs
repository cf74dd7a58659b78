using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Grains.Tests.Infrastructure;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>Without Granary:Email:Host nothing can be sent: jobs are recorded and dead-lettered at once.</summary>
public sealed class EmailJobUnconfiguredTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Enqueue_WithoutSmtpHost_RecordsTheJobAsDead()
    {
        var job = fixture.Grains.EmailJob("org1", "job1");

        var info = await job.Enqueue(Shipped());

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(1, info.AttemptCount);
        Assert.Equal(SmtpEmailSender.NotConfigured, info.LastError);
        Assert.Null(info.NextAttemptAt);
        Assert.Equal(info, await job.Get());
        Assert.Null(await fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder));
    }
}
