using System.Diagnostics.Metrics;
using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Runtime.Testing;
using Granary.Testing.Smtp;
using Microsoft.Extensions.DependencyInjection;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>Failed attempts retry on the schedule with a one-shot reminder (retry delays 5 s and 10 s: three attempts).</summary>
public sealed class EmailJobRetryTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly SmtpSink _sink = new();
    private TestCluster _cluster = null!;
    private JobCounters _counters = null!;

    private IGrainFactory Grains => _cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        _cluster = await StartAsync(_sink, _time);
        _counters = new JobCounters(_cluster.ServicesOf(_cluster.Primary).GetRequiredService<IMeterFactory>());
    }

    public async Task DisposeAsync()
    {
        _counters.Dispose();
        await _cluster.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task FailingTwice_SucceedsOnTheThirdAttempt()
    {
        _sink.RejectNext(2);
        var job = Grains.EmailJob("org1", "job1");
        var start = _time.GetUtcNow();

        var first = await job.Enqueue(Shipped());

        Assert.Equal(JobStatus.Retrying, first.Status);
        Assert.Equal(1, first.AttemptCount);
        Assert.Equal(start + TimeSpan.FromSeconds(5), first.NextAttemptAt);
        Assert.Contains("451", first.LastError, StringComparison.Ordinal);
        Assert.Equal("Order o-42 has shipped", first.Subject);

        var second = await job.AdvanceToNextAttemptAsync(_time);
        Assert.Equal(JobStatus.Retrying, second.Status);
        Assert.Equal(2, second.AttemptCount);
        Assert.Equal(second.UpdatedAt + TimeSpan.FromSeconds(10), second.NextAttemptAt);

        var third = await job.AdvanceToNextAttemptAsync(_time);
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
    public async Task AlwaysFailing_IsDeadAfterMaxAttempts_ThenRetrySucceedsOnceTheServerWorks()
    {
        _sink.RejectNext(int.MaxValue);
        var job = Grains.EmailJob("org1", "job1");

        await job.Enqueue(Shipped());
        await job.AdvanceToNextAttemptAsync(_time);
        var dead = await job.AdvanceToNextAttemptAsync(_time);

        Assert.Equal(JobStatus.Dead, dead.Status);
        Assert.Equal(3, dead.AttemptCount);
        Assert.Null(dead.NextAttemptAt);
        Assert.Contains("451", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(1, _counters["granary_jobs_dead_total"]);
        await _cluster.WaitForNoRetryReminderAsync("org1", "job1");
        _time.Advance(TimeSpan.FromHours(1));
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
        var job = Grains.EmailJob("org1", "job1");
        await job.Enqueue(Shipped());
        await job.AdvanceToNextAttemptAsync(_time);
        await job.AdvanceToNextAttemptAsync(_time);

        var retried = await job.Retry();

        Assert.Equal(JobStatus.Retrying, retried!.Status);
        Assert.Equal(4, retried.AttemptCount);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(5), retried.NextAttemptAt);

        _sink.RejectNext(0);
        var sent = await job.AdvanceToNextAttemptAsync(_time);
        Assert.Equal(JobStatus.Succeeded, sent.Status);
        Assert.Equal(5, sent.AttemptCount);
    }

    [Fact]
    public async Task Retry_OfARetryingJob_AttemptsNow_AndItsReminderSendsNothingMore()
    {
        _sink.RejectNext(1);
        var job = Grains.EmailJob("org1", "job1");
        var retrying = await job.Enqueue(Shipped());
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.NotNull(await _cluster.RetryReminderAsync("org1", "job1"));

        var retried = await job.Retry();

        Assert.Equal(JobStatus.Succeeded, retried!.Status);
        Assert.Equal(2, retried.AttemptCount);
        Assert.Null(await _cluster.RetryReminderAsync("org1", "job1"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_sink.Messages);
        Assert.Equal(retried, await job.Get());
    }
}
