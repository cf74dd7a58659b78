using System.Globalization;

namespace Granary.Engine.Bench.Measurement;

/// <summary>
/// One closed-loop load measured in several rounds. Every figure is the median over the rounds: on a shared 2-core
/// machine one round disturbed by other work must not decide a figure, and the spread says how much to trust it.
/// </summary>
internal sealed class RoundsResult
{
    private readonly List<RunResult> _rounds = [];

    public IReadOnlyList<RunResult> Rounds => _rounds;

    public void Add(RunResult round) => _rounds.Add(round);

    public double PerSecond => Percentiles.Median(_rounds.Select(r => r.PerSecond));

    public double P50Microseconds => Percentiles.Median(_rounds.Select(r => r.Latency.PercentileMicroseconds(0.50)));

    public double P99Microseconds => Percentiles.Median(_rounds.Select(r => r.Latency.PercentileMicroseconds(0.99)));

    public double P999Microseconds => Percentiles.Median(_rounds.Select(r => r.Latency.PercentileMicroseconds(0.999)));

    public double MeanMicroseconds => Percentiles.Median(_rounds.Select(r => r.Latency.MeanMicroseconds));

    public double MaxMicroseconds => _rounds.Max(r => r.Latency.MaxMicroseconds);

    public double AllocatedBytesPerCall => Percentiles.Median(_rounds.Select(r => r.AllocatedBytesPerCall));

    public long Calls => _rounds.Sum(r => r.Calls);

    /// <summary>
    /// How evenly callers were served: the fewest calls one caller completed in a round over the most another did
    /// (1 = even; the median over rounds).
    /// </summary>
    public double Fairness => Percentiles.Median(_rounds.Select(r => r.MostByOneCaller == 0 ? 0 : (double)r.FewestByOneCaller / r.MostByOneCaller));

    /// <summary>"median of 5 rounds of 2.0 s (610,000–702,000 calls/s), 6,500,000 calls by 64 callers".</summary>
    public string Describe(int callers, string what = "calls", string who = "caller")
    {
        var rates = _rounds.Select(r => r.PerSecond).ToArray();
        var seconds = Percentiles.Median(_rounds.Select(r => r.Elapsed.TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture,
            $"median of {_rounds.Count} rounds of {seconds:0.0} s ({rates.Min():N0}–{rates.Max():N0}/s), {Calls:N0} {what} by {callers} {who}{(callers == 1 ? "" : "s")}");
    }
}

/// <summary>Runs one load in rounds: a longer warm-up before the first (JIT, tiering), a short one before each next.</summary>
internal static class Rounds
{
    public static async Task<RoundsResult> RunAsync(
        int rounds,
        int callers,
        TimeSpan firstWarmUp,
        TimeSpan warmUp,
        TimeSpan round,
        Func<int, MeasurementWindow, LatencyLog, Task> loop)
    {
        var result = new RoundsResult();
        for (var i = 0; i < rounds; i++)
        {
            result.Add(await ClosedLoop.RunAsync(callers, i == 0 ? firstWarmUp : warmUp, round, loop));
        }
        return result;
    }
}
