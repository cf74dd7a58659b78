using System.Diagnostics;
using System.Globalization;
using Granary.Cluster.Tests.Grains;
using Granary.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// Every silo process is replaced, one at a time, with SIGTERM while a writer keeps incrementing counters. A silo that
/// stops gracefully rejects calls that reach it after it stopped taking requests ("Silo stopping", never executed) and
/// fails calls still pending on it when it leaves (SiloUnavailableException, in doubt): Orleans doesn't retry either.
/// So the test holds every acknowledged increment to be stored, and allows failures only while a silo stops, failing
/// fast (never waiting for the response timeout); it reports how many there were.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Counters = 100;

    /// <summary>Longest a failed call may have taken: well under the 30 s response timeout a lost request would wait for.</summary>
    private static readonly TimeSpan FastFailure = TimeSpan.FromSeconds(5);

    /// <summary>How long after a silo's exit a call may still fail because of it (callers learn of its departure by gossip).</summary>
    private static readonly TimeSpan StopAftermath = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task RollingRestart_OfEverySilo_UnderWriteLoad_LosesNoAcknowledgedIncrement_AndFailsCallsOnlyFastWhileASiloStops()
    {
        // Two processes (beside the test silo) keep the test short; each is replaced in turn, so no silo of the start survives.
        await using var cluster = await SiloCluster.StartAsync(2, DetectionTimings.Fast);
        try
        {
            await RunAsync(cluster);
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    private async Task RunAsync(SiloCluster cluster)
    {
        var grains = cluster.TestSilo.Grains;
        var keys = Enumerable.Range(0, Counters).Select(i => $"{cluster.RunId}-counter-{i}").ToList();
        var writer = new CounterWriter(grains, keys, loops: 4, pace: TimeSpan.FromMilliseconds(10));
        writer.Start();
        await writer.WaitForEachToSucceedAsync(Enumerable.Range(0, Counters).ToList(), 0, TimeSpan.FromSeconds(20));

        var stopWindows = new List<(long From, long To)>();
        foreach (var silo in cluster.Running.ToList())
        {
            var sigterm = DateTime.UtcNow;
            var stopping = Stopwatch.StartNew();
            var from = Stopwatch.GetTimestamp();
            var exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(40));
            var stopped = stopping.Elapsed;
            stopWindows.Add((from, Stopwatch.GetTimestamp() + (long)(StopAftermath.TotalSeconds * Stopwatch.Frequency)));
            Assert.True(exitCode == 0, $"{silo.Name} exited with code {exitCode} after SIGTERM. Output:\n{silo.OutputTail(40)}");
            Assert.Equal("Dead", (await cluster.Membership.FindAsync(silo.Name))?.Status);
            cluster.Running.Remove(silo);

            var starting = Stopwatch.StartNew();
            var replacement = await cluster.StartSiloAsync();
            output.WriteLine($"{sigterm:HH:mm:ss.fff}Z SIGTERM to {silo.Name}: stopped (exit 0) in {Seconds(stopped)} s; {replacement.Name} ready and Active in {Seconds(starting.Elapsed)} s");
            // The replacement takes its share of the grains under load before the next silo goes.
            await writer.WaitForSuccessesAsync(200, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
        }
        var outcomes = await writer.StopAsync();

        var failures = outcomes.Where(o => !o.Succeeded).ToList();
        output.WriteLine($"rolling_restart_failed_calls: {failures.Count} of {outcomes.Count}");
        foreach (var kind in failures.GroupBy(f => f.Error!.Split('\n')[0].Split(':')[0]))
        {
            output.WriteLine($"  {kind.Count()} x {kind.Key}; e.g. {kind.First().Error!.Split('\n')[0]}");
        }
        var outside = failures.Where(f => !stopWindows.Any(w => f.Ended >= w.From && f.Ended <= w.To)).ToList();
        Assert.True(outside.Count == 0, $"{outside.Count} calls failed while no silo was stopping:\n{string.Join('\n', outside.Take(10).Select(f => $"{keys[f.Key]}: {f}"))}");
        var slow = failures.Where(f => Stopwatch.GetElapsedTime(f.Started, f.Ended) > FastFailure).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} calls failed only after more than {FastFailure.TotalSeconds} s:\n{string.Join('\n', slow.Take(10).Select(f => $"{keys[f.Key]}: {f}"))}");

        var stored = await StoredState.ReadAllAsync<CounterState>(cluster.TestSilo.Serializer, cluster.RunId, CounterGrain.StateName);
        var throughGrains = await Task.WhenAll(keys.Select(k => grains.GetGrain<ICounterGrain>(k).Get()));
        var problems = Enumerable.Range(0, Counters)
            .Select(i => (Key: keys[i], Acknowledged: outcomes.Count(o => o.Key == i && o.Succeeded), InDoubt: outcomes.Count(o => o.Key == i && !o.Succeeded),
                Stored: stored.GetValueOrDefault(keys[i])?.Count ?? 0, Read: throughGrains[i]))
            .Where(c => c.Stored < c.Acknowledged || c.Stored > c.Acknowledged + c.InDoubt || c.Read != c.Stored)
            .Select(c => $"{c.Key}: acknowledged {c.Acknowledged}, in doubt {c.InDoubt}, stored {c.Stored}, read through the grain {c.Read}")
            .ToList();
        Assert.True(problems.Count == 0, $"Counters outside [acknowledged, acknowledged + in doubt]:\n{string.Join('\n', problems)}");
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
