using System.Diagnostics;
using System.Globalization;
using Granary.Cluster.Tests.Grains;
using Granary.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>Every silo process is replaced, one at a time, with SIGTERM while a writer keeps incrementing counters.</summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Counters = 100;

    [Fact]
    public async Task RollingRestart_OfEverySilo_UnderWriteLoad_FailsNoCallAndLosesNoIncrement()
    {
        await using var cluster = await SiloCluster.StartAsync(3, DetectionTimings.Fast);
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
        var grains = cluster.Client.GrainFactory;
        var keys = Enumerable.Range(0, Counters).Select(i => $"{cluster.RunId}-counter-{i}").ToList();
        var writer = new CounterWriter(grains, keys, loops: 4, pace: TimeSpan.FromMilliseconds(10));
        writer.Start();
        await writer.WaitForEachToSucceedAsync(Enumerable.Range(0, Counters).ToList(), 0, TimeSpan.FromSeconds(20));

        foreach (var silo in cluster.Running.ToList())
        {
            var sigterm = DateTime.UtcNow;
            var stopping = Stopwatch.StartNew();
            var exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(40));
            var stopped = stopping.Elapsed;
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
        output.WriteLine($"{outcomes.Count} calls during the rolling restart, {failures.Count} failed");
        Assert.True(failures.Count == 0, $"{failures.Count} calls failed during the rolling restart:\n{string.Join('\n', failures.Take(10).Select(f => $"{keys[f.Key]}: {f}"))}");

        var stored = await GrainStateReader.CountsAsync(cluster.RunId + "-counter-");
        var throughGrains = await Task.WhenAll(keys.Select(k => grains.GetGrain<ICounterGrain>(k).Get()));
        var problems = Enumerable.Range(0, Counters)
            .Select(i => (Key: keys[i], Acknowledged: outcomes.Count(o => o.Key == i), Stored: stored.GetValueOrDefault(keys[i]), Read: throughGrains[i]))
            .Where(c => c.Stored != c.Acknowledged || c.Read != c.Acknowledged)
            .Select(c => $"{c.Key}: acknowledged {c.Acknowledged}, stored {c.Stored}, read through the grain {c.Read}")
            .ToList();
        Assert.True(problems.Count == 0, $"Counters that differ from their acknowledged increments:\n{string.Join('\n', problems)}");
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
