using System.Diagnostics.Metrics;
using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>
/// Failed attempts retry on the schedule (5 then 10 minutes: three attempts) through a due retry reminder; the tests
/// check that it is registered and deliver its ticks at the job's next attempt.
/// </summary>
public sealed class EmailJobRetryTests : IClassFixture<EmailClusterFixture>, IDisposable
{
    private static readonly TimeSpan[] Delays = EmailClusterFixture.Delays;
    private readonly EmailClusterFixture _fixture;
    private readonly SinkView _sink;
    private readonly JobCounters _counters;
    private readonly string _jobId = "job-" + Guid.NewGuid().ToString("N");

    public EmailJobRetryTests(EmailClusterFixture fixture)
    {
        _fixture = fixture;
        _sink = new SinkView(fixture.Sink);
        _counters = new JobCounters(fixture.Cluster.SiloServices.GetRequiredService<IMeterFactory>());
    }

    private IGrainFactory Grains => _fixture.Grains;

    private FakeTimeProvider Time => _fixture.Time;

    public void Dispose() => _counters.Dispose();

    [Fact]
    public async Task FailingTwice_SucceedsOnTheThirdAttempt()
    {
        _sink.RejectNext(2);
        var job = Grains.EmailJob("org1", _jobId);
        var start = Time.GetUtcNow();

        var first = await job.Enqueue(Shipped());

        Assert.Equal(JobStatus.Retrying, first.Status);
        Assert.Equal(1, first.AttemptCount);
        Assert.Equal(start + Delays[0], first.NextAttemptAt);
        Assert.Contains("451", first.LastError, StringComparison.Ordinal);
        Assert.Equal("Order o-42 has shipped", first.Subject);

        var second = await _fixture.Cluster.AdvanceToNextAttemptAsync(job);
        Assert.Equal(JobStatus.Retrying, second.Status);
        Assert.Equal(2, second.AttemptCount);
        Assert.Equal(second.UpdatedAt + Delays[1], second.NextAttemptAt);

        var third = await _fixture.Cluster.AdvanceToNextAttemptAsync(job);
        Assert.Equal(JobStatus.Succeeded, third.Status);
        Assert.Equal(3, third.AttemptCount);
        Assert.Null(third.LastError);
        Assert.Null(third.NextAttemptAt);

        Assert.Equal(2, _sink.RejectedCount);
        var sent = Assert.Single(_sink.Messages);
        Assert.Equal("Order o-42 has shipped", sent.Subject);
        Assert.Equal(2, _counters["granary_jobs_retried_total"]);
        Assert.Equal(1, _counters["granary_jobs_completed_total"]);
        Assert.Equal(0, _counters["granary_jobs_dead_total"]);
    }

    [Fact]
    public async Task FailedAttempt_RegistersADueRetryReminder_RepeatingEveryMinimumPeriod()
    {
        _sink.RejectNext(1);
        var job = Grains.EmailJob("org1", _jobId);
        var before = DateTime.UtcNow;

        await job.Enqueue(Shipped());

        var reminder = await _fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder);
        Assert.NotNull(reminder);
        Assert.InRange(reminder.StartAt, before + Delays[0], DateTime.UtcNow + Delays[0]);
        Assert.Equal(TimeSpan.FromMinutes(1), reminder.Period);
    }

    [Fact]
    public async Task AlwaysFailing_IsDeadAfterMaxAttempts_ThenRetrySucceedsOnceTheServerWorks()
    {
        _sink.RejectNext(int.MaxValue);
        var job = Grains.EmailJob("org1", _jobId);

        await job.Enqueue(Shipped());
        await _fixture.Cluster.AdvanceToNextAttemptAsync(job);
        var dead = await _fixture.Cluster.AdvanceToNextAttemptAsync(job);

        Assert.Equal(JobStatus.Dead, dead.Status);
        Assert.Equal(3, dead.AttemptCount);
        Assert.Null(dead.NextAttemptAt);
        Assert.Contains("451", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(1, _counters["granary_jobs_dead_total"]);
        Assert.Null(await _fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, _sink.RejectedCount);
        Assert.Equal(dead, await job.Get());

        _sink.RejectNext(0);
        var retried = await job.Retry();

        Assert.True(retried!.Status == JobStatus.Succeeded, $"the retry ended {retried.Status}: {retried.LastError}");
        Assert.Equal(4, retried.AttemptCount);
        Assert.Single(_sink.Messages);
        Assert.Equal(1, _counters["granary_jobs_completed_total"]);
    }

    [Fact]
    public async Task Retry_OfADeadJob_StartsANewRunOfTheSchedule()
    {
        _sink.RejectNext(int.MaxValue);
        var job = Grains.EmailJob("org1", _jobId);
        await job.Enqueue(Shipped());
        await _fixture.Cluster.AdvanceToNextAttemptAsync(job);
        await _fixture.Cluster.AdvanceToNextAttemptAsync(job);

        var retried = await job.Retry();

        Assert.Equal(JobStatus.Retrying, retried!.Status);
        Assert.Equal(4, retried.AttemptCount);
        Assert.Equal(Time.GetUtcNow() + Delays[0], retried.NextAttemptAt);

        _sink.RejectNext(0);
        var sent = await _fixture.Cluster.AdvanceToNextAttemptAsync(job);
        Assert.Equal(JobStatus.Succeeded, sent.Status);
        Assert.Equal(5, sent.AttemptCount);
    }

    [Fact]
    public async Task Retry_OfARetryingJob_AttemptsNow_AndItsReminderSendsNothingMore()
    {
        _sink.RejectNext(1);
        var job = Grains.EmailJob("org1", _jobId);
        var retrying = await job.Enqueue(Shipped());
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.NotNull(await _fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder));

        var retried = await job.Retry();

        Assert.Equal(JobStatus.Succeeded, retried!.Status);
        Assert.Equal(2, retried.AttemptCount);
        Assert.Null(await _fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder));

        // A tick that was already on its way when the reminder was removed finds nothing to do.
        Time.Advance(TimeSpan.FromMinutes(5));
        var now = Time.GetUtcNow().UtcDateTime;
        await Grains.GetGrain<IRemindable>(job.GetGrainId()).ReceiveReminder(EmailJobGrain.RetryReminder, new TickStatus(now, TimeSpan.FromMinutes(1), now));
        Assert.Single(_sink.Messages);
        Assert.Equal(retried, await job.Get());
    }
}
