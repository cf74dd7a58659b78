using System.Diagnostics.Metrics;
using Granary.Grains.Jobs;

namespace Granary.Grains.Jobs;

/// <summary>
/// Counters of background jobs on this silo (meter <c>Granary.Jobs</c>, tag <c>kind</c> = webhook | email): attempts
/// made, jobs completed, retries scheduled and jobs dead-lettered. The dashboard and /metrics read them.
/// </summary>
public static class JobMetrics
{
    public const string MeterName = "Granary.Jobs";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("granary_jobs_attempts_total", description: "Attempts made by background jobs");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("granary_jobs_completed_total", description: "Background jobs that succeeded");
    private static readonly Counter<long> Retried = Meter.CreateCounter<long>("granary_jobs_retried_total", description: "Failed attempts with a retry scheduled");
    private static readonly Counter<long> Dead = Meter.CreateCounter<long>("granary_jobs_dead_total", description: "Background jobs dead-lettered");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("granary_jobs_attempt_duration_ms", "ms", "Duration of one attempt");

    public static void Attempted(JobKind kind, double milliseconds)
    {
        var tag = Tag(kind);
        Attempts.Add(1, tag);
        Latency.Record(milliseconds, tag);
    }

    /// <summary>Counts the status a job reached after an attempt.</summary>
    public static void Reached(JobKind kind, JobStatus status)
    {
        switch (status)
        {
            case JobStatus.Succeeded:
                Completed.Add(1, Tag(kind));
                break;
            case JobStatus.Retrying:
                Retried.Add(1, Tag(kind));
                break;
            case JobStatus.Dead:
                Dead.Add(1, Tag(kind));
                break;
        }
    }

    private static KeyValuePair<string, object?> Tag(JobKind kind) => new("kind", kind == JobKind.Webhook ? "webhook" : "email");
}
