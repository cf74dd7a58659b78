using System.Diagnostics.Metrics;

namespace Granary.Grains.Emails;

/// <summary>
/// Outcomes of email jobs on the meter "Granary.Jobs" (tag <c>kind=email</c>): attempts that succeeded, failed
/// attempts followed by a retry, and jobs that went dead. One per silo (created from the silo's meter factory).
/// </summary>
public sealed class EmailJobMetrics
{
    /// <summary>The meter the job counters are published on.</summary>
    public const string MeterName = "Granary.Jobs";

    private static readonly KeyValuePair<string, object?> Kind = new("kind", "email");

    private readonly Counter<long> _completed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;

    public EmailJobMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _completed = meter.CreateCounter<long>("granary_jobs_completed_total", description: "Jobs whose work was done.");
        _retried = meter.CreateCounter<long>("granary_jobs_retried_total", description: "Failed attempts followed by a scheduled retry.");
        _dead = meter.CreateCounter<long>("granary_jobs_dead_total", description: "Jobs dead-lettered after their last attempt or an error no retry can fix.");
    }

    public void Completed() => _completed.Add(1, Kind);

    public void Retried() => _retried.Add(1, Kind);

    public void Dead() => _dead.Add(1, Kind);
}
