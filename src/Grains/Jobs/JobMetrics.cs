using System.Diagnostics.Metrics;

namespace Granary.Grains.Jobs;

/// <summary>
/// Counters of background jobs on one silo (meter <c>Granary.Jobs</c> from the silo's meter factory, tag <c>kind</c> =
/// webhook | email): attempts and their duration, jobs completed, failed attempts followed by a retry, jobs
/// dead-lettered. /metrics and the dashboard read them.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "Granary.Jobs";

    private static readonly KeyValuePair<string, object?> Webhook = new("kind", "webhook");
    private static readonly KeyValuePair<string, object?> Email = new("kind", "email");

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;

    public JobMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>("granary_jobs_attempts_total", description: "Attempts made by jobs.");
        _duration = meter.CreateHistogram<double>("granary_jobs_attempt_duration", "ms", "Duration of one attempt.");
        _completed = meter.CreateCounter<long>("granary_jobs_completed_total", description: "Jobs whose work was done.");
        _retried = meter.CreateCounter<long>("granary_jobs_retried_total", description: "Failed attempts followed by a scheduled retry.");
        _dead = meter.CreateCounter<long>("granary_jobs_dead_total", description: "Jobs dead-lettered after their last attempt or an error no retry can fix.");
    }

    public void Attempted(JobKind kind, double milliseconds)
    {
        var tag = Tag(kind);
        _attempts.Add(1, tag);
        _duration.Record(milliseconds, tag);
    }

    /// <summary>Counts the status a job reached after an attempt (pending counts nothing).</summary>
    public void Reached(JobKind kind, JobStatus status)
    {
        var counter = status switch
        {
            JobStatus.Succeeded => _completed,
            JobStatus.Retrying => _retried,
            JobStatus.Dead => _dead,
            _ => null,
        };
        counter?.Add(1, Tag(kind));
    }

    /// <summary>The <c>kind</c> tag of every job instrument (the backlog gauge's too).</summary>
    internal static KeyValuePair<string, object?> Tag(JobKind kind) => kind == JobKind.Webhook ? Webhook : Email;
}
