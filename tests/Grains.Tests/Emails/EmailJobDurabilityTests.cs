using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Runtime.Testing;
using Granary.Testing.Smtp;
using Microsoft.Data.Sqlite;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>An email job's state and reminder live in SQLite: a retrying job resumes on the silo that replaces its own.</summary>
public sealed class EmailJobDurabilityTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly SmtpSink _sink = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("granary-email-").FullName;
    private TestCluster _cluster = null!;

    private string Database => Path.Combine(_directory, "granary.db");

    public async Task InitializeAsync() => _cluster = await StartAsync(_sink, _time, o =>
    {
        o.Storage = TestStorage.Sqlite(Database);
        o.Reminders = TestReminders.Sqlite(Database);
    });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _sink.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RetryingJob_IsResumedAfterTheSiloRestarts()
    {
        _sink.RejectNext(1);
        var retrying = await _cluster.GrainFactory.EmailJob("org1", "job1").Enqueue(Shipped());
        Assert.Equal(JobStatus.Retrying, retrying.Status);

        await _cluster.RestartSiloAsync(_cluster.Primary);
        var job = _cluster.GrainFactory.EmailJob("org1", "job1");
        Assert.Equal(retrying, await job.Get());

        var sent = await job.AdvanceToNextAttemptAsync(_time);

        Assert.Equal(JobStatus.Succeeded, sent.Status);
        Assert.Equal(2, sent.AttemptCount);
        Assert.Equal("Order o-42 has shipped", Assert.Single(_sink.Messages).Subject);
    }
}
