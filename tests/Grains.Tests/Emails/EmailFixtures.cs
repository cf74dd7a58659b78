using Granary.Grains.Emails;
using Granary.Runtime.Testing;
using Granary.Runtime.Reminders;
using Granary.Testing.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Emails;

/// <summary>Clusters wired to an <see cref="SmtpSink"/>, requests and waits shared by the email tests.</summary>
internal static class EmailFixtures
{
    /// <summary>Two retries, 5 s then 10 s apart: three attempts at most.</summary>
    public static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    /// <summary>The grain type name of <see cref="EmailJobGrain"/> (class name without "Grain", lower case).</summary>
    private const string EmailJobGrainType = "emailjob";

    /// <summary>A one-silo cluster on a manual clock whose email settings point at <paramref name="sink"/>.</summary>
    public static Task<TestCluster> StartAsync(SmtpSink? sink, ManualTimeProvider time, Action<TestClusterOptions>? configure = null) =>
        GrainTestCluster.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.ConfigureReminders = r => r.PollInterval = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        }, Settings(sink));

    public static Dictionary<string, string?> Settings(SmtpSink? sink) => new()
    {
        ["Email:Host"] = sink?.Host ?? "",
        ["Email:Port"] = sink?.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:From"] = "Granary Tests <tests@granary.local>",
        ["Email:Timeout"] = "00:00:10",
        ["Email:RetryDelays:0"] = "00:00:05",
        ["Email:RetryDelays:1"] = "00:00:10",
    };

    public static IEmailJobGrain EmailJob(this IGrainFactory grains, string organizationId, string jobId) =>
        grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(organizationId, jobId));

    public static EmailRequest Shipped(string organizationId = "org1", string to = "ada@example.com") =>
        new(organizationId, EmailTemplate.OrderShipped, to, new Dictionary<string, string> { ["orderId"] = "o-42", ["trackingNumber"] = "TRK<9>" });

    /// <summary>The job's retry reminder as stored in the reminder table, or null.</summary>
    public static Task<ReminderEntry?> RetryReminderAsync(this TestCluster cluster, string organizationId, string jobId) =>
        cluster.ServicesOf(cluster.Primary).GetRequiredService<IReminderTable>()
            .ReadAsync(new GrainId(EmailJobGrainType, EmailJobKey.For(organizationId, jobId)), EmailJobGrain.RetryReminder, CancellationToken.None);

    /// <summary>Waits until the job's retry reminder is gone from the table; fails after 10 s.</summary>
    public static async Task WaitForNoRetryReminderAsync(this TestCluster cluster, string organizationId, string jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await cluster.RetryReminderAsync(organizationId, jobId) is not null)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after 10 s waiting for the retry reminder of job {organizationId}/{jobId} to be removed.");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Moves the clock to the job's next attempt, then waits until that attempt is recorded, nudging the clock by a
    /// second between polls: a reminder claimed while the clock jumped may have its local timer set a little later.
    /// The nudges are small so that no call deadline (30 s) passes while an attempt talks to the sink.
    /// </summary>
    public static async Task<EmailJobInfo> AdvanceToNextAttemptAsync(this IEmailJobGrain job, ManualTimeProvider time)
    {
        var before = (await job.Get())!;
        var next = before.NextAttemptAt ?? throw new InvalidOperationException($"Job {before.Id} is {before.Status}, with no next attempt.");
        var wait = next - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            time.Advance(wait);
        }
        return await WaitForAsync(job, i => i.AttemptCount > before.AttemptCount, $"attempt {before.AttemptCount + 1} of job {before.Id}",
            () => time.Advance(TimeSpan.FromSeconds(1)));
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after 10 s.</summary>
    public static async Task<EmailJobInfo> WaitForAsync(IEmailJobGrain job, Func<EmailJobInfo, bool> condition, string what, Action? betweenTries = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var info = await job.Get();
            if (info is not null && condition(info))
            {
                return info;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after 10 s waiting for {what}; the job is {(info is null ? "unknown" : $"{info.Status} after {info.AttemptCount} attempt(s)")}.");
            }
            betweenTries?.Invoke();
            await Task.Delay(20);
        }
    }
}
