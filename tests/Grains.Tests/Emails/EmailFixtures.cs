using System.Globalization;
using Granary.Grains.Emails;
using Granary.Grains.Tests.Infrastructure;
using Granary.Testing.Smtp;

namespace Granary.Grains.Tests.Emails;

/// <summary>
/// A cluster whose email settings point at an <see cref="SmtpSink"/> it owns. Retries wait 5 then 10 minutes (three
/// attempts at most): long enough that Orleans never fires a retry reminder during a test, so the tests deliver the
/// ticks themselves after moving the grains' clock.
/// </summary>
public class EmailClusterFixture : ClusterFixture
{
    public static readonly TimeSpan[] Delays = [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)];

    private readonly SmtpSink _sink;

    public EmailClusterFixture()
        : this(new SmtpSink(), Delays, null)
    {
    }

    private protected EmailClusterFixture(SmtpSink sink, TimeSpan[] delays, Action<GranaryClusterOptions>? configure)
        : base(options =>
        {
            options.Set(
                ("Email:Host", sink.Host),
                ("Email:Port", sink.Port.ToString(CultureInfo.InvariantCulture)),
                ("Email:From", "Granary Tests <tests@granary.local>"),
                ("Email:Timeout", "00:00:10"));
            for (var i = 0; i < delays.Length; i++)
            {
                options.Set(($"Email:RetryDelays:{i}", delays[i].ToString("c", CultureInfo.InvariantCulture)));
            }
            configure?.Invoke(options);
        }) => _sink = sink;

    internal SmtpSink Sink => _sink;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _sink.DisposeAsync();
    }
}

/// <summary>
/// What the shared sink received since one test began (the tests of a class run one after another), and a sink that
/// accepts again.
/// </summary>
internal sealed class SinkView
{
    private readonly SmtpSink _sink;
    private readonly int _messagesBefore;
    private readonly int _rejectedBefore;

    public SinkView(SmtpSink sink)
    {
        _sink = sink;
        sink.RejectNext(0);
        _messagesBefore = sink.Messages.Count;
        _rejectedBefore = sink.RejectedCount;
    }

    public IReadOnlyList<SmtpSinkMessage> Messages => [.. _sink.Messages.Skip(_messagesBefore)];

    public int RejectedCount => _sink.RejectedCount - _rejectedBefore;

    public void RejectNext(int messages) => _sink.RejectNext(messages);
}

/// <summary>Requests and ticks shared by the email tests.</summary>
internal static class EmailFixtures
{
    public static IEmailJobGrain EmailJob(this IGrainFactory grains, string organizationId, string jobId) =>
        grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(organizationId, jobId));

    public static EmailRequest Shipped(string organizationId = "org1", string to = "ada@example.com") =>
        new(organizationId, EmailTemplate.OrderShipped, to, new Dictionary<string, string> { ["orderId"] = "o-42", ["trackingNumber"] = "TRK<9>" });

    /// <summary>
    /// Moves the grains' clock to the job's next attempt and delivers the tick of its retry reminder (which must be
    /// registered), as Orleans's reminder service would at that moment; returns the job after the attempt.
    /// </summary>
    public static async Task<EmailJobInfo> AdvanceToNextAttemptAsync(this GranaryCluster cluster, IEmailJobGrain job)
    {
        var before = (await job.Get())!;
        var next = before.NextAttemptAt ?? throw new InvalidOperationException($"Job {before.Id} is {before.Status}, with no next attempt.");
        var wait = next - cluster.Time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            cluster.Time.Advance(wait);
        }
        await cluster.TickAsync(job, EmailJobGrain.RetryReminder);
        var after = (await job.Get())!;
        Assert.True(after.AttemptCount == before.AttemptCount + 1, $"The tick made no attempt: job {after.Id} is {after.Status} after {after.AttemptCount} attempt(s).");
        return after;
    }
}
