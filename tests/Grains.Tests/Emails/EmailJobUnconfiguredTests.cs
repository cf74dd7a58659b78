using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Runtime.Testing;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>Without Granary:Email:Host nothing can be sent: jobs are recorded and dead-lettered at once.</summary>
public sealed class EmailJobUnconfiguredTests
{
    [Fact]
    public async Task Enqueue_WithoutSmtpHost_RecordsTheJobAsDead()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartAsync(sink: null, time);
        var job = cluster.GrainFactory.EmailJob("org1", "job1");

        var info = await job.Enqueue(Shipped());

        Assert.Equal(JobStatus.Dead, info.Status);
        Assert.Equal(1, info.AttemptCount);
        Assert.Equal(SmtpEmailSender.NotConfigured, info.LastError);
        Assert.Null(info.NextAttemptAt);
        Assert.Equal(info, await job.Get());
    }
}
