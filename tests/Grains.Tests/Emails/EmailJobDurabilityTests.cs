using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Testing.Smtp;
using Microsoft.Data.Sqlite;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>
/// An email job's state and reminder live in Granary's SQLite storage and reminder table: a retrying job is resumed by
/// its reminder, fired by Orleans on the silo that replaces its own (retry after 10 s, longer than a restart; minimum reminder period 1 s).
/// </summary>
public sealed class EmailJobDurabilityTests(EmailJobDurabilityTests.Fixture fixture) : IClassFixture<EmailJobDurabilityTests.Fixture>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);
    private readonly SinkView _sink = new(fixture.Sink);

    [Fact]
    public async Task RetryingJob_IsResumedAfterTheSiloRestarts()
    {
        _sink.RejectNext(1);
        var registeredAfter = DateTime.UtcNow;
        var retrying = await fixture.Grains.EmailJob("org1", "job1").Enqueue(Shipped());
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        var reminder = await fixture.Cluster.ReminderAsync(fixture.Grains.EmailJob("org1", "job1"), EmailJobGrain.RetryReminder);
        Assert.NotNull(reminder);

        await fixture.Cluster.RestartAsync();
        var job = fixture.Grains.EmailJob("org1", "job1");
        Assert.True(DateTime.UtcNow < registeredAfter + RetryDelay, "the restart took longer than the retry delay; the job may have been resumed before it");
        Assert.Equal(retrying, await job.Get());
        Assert.Equal(reminder.StartAt, (await fixture.Cluster.ReminderAsync(job, EmailJobGrain.RetryReminder))?.StartAt);

        var sent = await WaitForAsync(job, j => j.Status != JobStatus.Retrying, "the retry reminder to resume the job after the restart");

        Assert.Equal(JobStatus.Succeeded, sent.Status);
        Assert.Equal(2, sent.AttemptCount);
        Assert.Equal("Order o-42 has shipped", Assert.Single(_sink.Messages).Subject);
        await fixture.Cluster.WaitForNoReminderAsync(job, EmailJobGrain.RetryReminder);
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after 20 s.</summary>
    private static async Task<EmailJobInfo> WaitForAsync(IEmailJobGrain job, Func<EmailJobInfo, bool> condition, string what)
    {
        EmailJobInfo? info = null;
        await Poll.UntilAsync(async () => (info = await job.Get()) is not null && condition(info), what, TimeSpan.FromSeconds(20));
        return info!;
    }

    /// <summary>SQLite storage and reminders in a scratch file, a sink, a 10 s retry delay and a 1 s minimum reminder period.</summary>
    public sealed class Fixture : EmailClusterFixture
    {
        private readonly string _folder;

        public Fixture()
            : this(Directory.CreateTempSubdirectory("granary-email-").FullName)
        {
        }

        private Fixture(string folder)
            : base(new SmtpSink(), [RetryDelay], options =>
            {
                options.SqliteFile = Path.Combine(folder, "granary.db");
                options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
            }) => _folder = folder;

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            using (var connection = new SqliteConnection(Granary.Persistence.SqliteDatabase.ConnectionString(Path.Combine(_folder, "granary.db"))))
            {
                SqliteConnection.ClearPool(connection);
            }
            Directory.Delete(_folder, recursive: true);
        }
    }
}
