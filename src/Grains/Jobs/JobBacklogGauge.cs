using System.Diagnostics.Metrics;
using Granary.ReadModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Jobs;

/// <summary>
/// Gauge <c>granary.jobs.current</c> of meter <see cref="JobMetrics.MeterName"/> (<c>granary_jobs_current</c> at
/// /metrics; tags <c>kind</c> = webhook | email, <c>status</c> = pending | retrying | dead): the jobs of every
/// organization in those states, counted in the read model through its partial "open" indexes. A collection returns
/// the last count and, when that is older than <see cref="RefreshInterval"/>, starts the next count in the
/// background: the database sees at most one such count per interval per silo, and none while nobody collects.
/// A hosted service only so that it exists (and registers the gauge) from the start.
/// </summary>
public sealed partial class JobBacklogGauge : IHostedService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    private static readonly JobStatus[] Counted = [JobStatus.Pending, JobStatus.Retrying, JobStatus.Dead];

    private readonly IListQueries _queries;
    private readonly TimeProvider _time;
    private readonly ILogger<JobBacklogGauge> _logger;
    private IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>? _counts;
    private long _countedAt;
    private int _counting;

    public JobBacklogGauge(IMeterFactory meters, IListQueries queries, TimeProvider time, ILogger<JobBacklogGauge> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _queries = queries;
        _time = time;
        _logger = logger;
        meters.Create(JobMetrics.MeterName).CreateObservableGauge("granary.jobs.current", Observe, "{job}",
            "Jobs pending, retrying and dead in every organization (read model, counted at most every 15 s).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<long>> Observe()
    {
        if (!_queries.Supported)
        {
            return [];
        }
        if ((Volatile.Read(ref _counts) is null || _time.GetElapsedTime(Volatile.Read(ref _countedAt)) >= RefreshInterval) && Interlocked.CompareExchange(ref _counting, 1, 0) == 0)
        {
            _ = Task.Run(CountAsync);
        }
        return Volatile.Read(ref _counts) is not { } counts
            ? []
            : from kind in Enum.GetValues<JobKind>()
              from status in Counted
              select new Measurement<long>(counts.GetValueOrDefault((kind, status)),
                  JobMetrics.Tag(kind),
                  new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
    }

    private async Task CountAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Volatile.Write(ref _counts, await _queries.CountOpenJobsAsync(timeout.Token));
            Volatile.Write(ref _countedAt, _time.GetTimestamp());
        }
        catch (Exception exception)
        {
            // The gauge keeps its last count; the next collection tries again.
            LogCountFailed(_logger, exception);
        }
        finally
        {
            Volatile.Write(ref _counting, 0);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Counting the open jobs for granary_jobs_current failed")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}
