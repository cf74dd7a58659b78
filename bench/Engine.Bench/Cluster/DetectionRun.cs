using System.Diagnostics;
using System.Globalization;

namespace Granary.Engine.Bench.Cluster;

/// <summary>What one detection run measured; seconds are null when the row never said Dead within the limit.</summary>
internal sealed record DetectionResult(
    bool StallDeclaredDead, int StallMaxVotes, double? KillDeadAfter, double? KillFirstVoteAfter, double? HangDeadAfter)
{
    public override string ToString()
    {
        var hang = StallDeclaredDead ? "hang not measured (the stall got B declared dead)" : $"hang -> Dead {Seconds(HangDeadAfter)}";
        return $"3 s stall -> {(StallDeclaredDead ? "DECLARED DEAD" : "not dead")} ({StallMaxVotes} vote(s)); " +
            $"SIGKILL -> Dead {Seconds(KillDeadAfter)} (first vote {Seconds(KillFirstVoteAfter)}); {hang}";
    }

    private static string Seconds(double? value) =>
        value is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.00} s") : "never";
}

/// <summary>
/// One detection run: silo A (this process, the observer) and child silos B and C form a cluster with one
/// membership option set and let it settle (probe timeouts adapt to measured round trips). Then, reading rows
/// through A every 25 ms:
/// 1. stall: SIGSTOP B for 3 s, SIGCONT, watch 10 s more: was B declared dead?
/// 2. kill: SIGKILL C (3 silos in the table): seconds until C's row says Dead;
/// 3. hang: once A's and B's views have dropped C, SIGSTOP B for good (A and B left): seconds until B's row says
///    Dead, like a host that stops answering without closing its connections.
/// </summary>
internal static class DetectionRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AfterStall = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ViewTimeout = TimeSpan.FromSeconds(90);

    public static async Task<DetectionResult> RunAsync(BenchCluster cluster, MembershipSet set, int run)
    {
        var settings = cluster.Settings($"detect-{set.Name}-{run}", set);
        await using var siloB = ChildSilo.Start("B", settings, TimeSpan.FromMinutes(10));
        await using var siloC = ChildSilo.Start("C", settings.WithFreePort(), TimeSpan.FromMinutes(10));
        await Task.WhenAll(
            siloB.WaitForAsync("ready", m => m is ["ready", _], StartTimeout),
            siloC.WaitForAsync("ready", m => m is ["ready", _], StartTimeout));
        var fatal = new ObserverFatalErrorHandler();
        await using var siloA = await BenchCluster.StartInProcessAsync(settings.WithFreePort(), fatal);
        await BenchCluster.WaitForActiveAsync(siloA, 3, StartTimeout);
        await Task.WhenAll(siloB.WaitForViewAsync(3, StartTimeout), siloC.WaitForViewAsync(3, StartTimeout));
        var rows = new MembershipRowReader(siloA);
        var addressB = SiloAddress.FromParsableString(siloB.Address!);
        var addressC = SiloAddress.FromParsableString(siloC.Address!);
        var settle = TimeSpan.FromTicks(Math.Min(set.Options().ProbeTimeout.Ticks * 4, MaxSettle.Ticks));
        await Task.Delay(settle);

        siloB.Pause();
        var paused = Stopwatch.GetTimestamp();
        await Task.Delay(Stall);
        siloB.Resume();
        var stall = await rows.WatchAsync(addressB, paused, Stall + AfterStall, Poll);
        var stallDead = stall.DeadAfter is not null || siloB.HasExited;

        siloC.Kill();
        var killed = Stopwatch.GetTimestamp();
        var kill = await rows.WatchAsync(addressC, killed, KillLimit, Poll);

        double? hangDeadAfter = null;
        if (!stallDead)
        {
            // B may be the silo that wrote C's death: pausing B before its gossip reaches A would leave A probing
            // B through C (dead) until its next full table read (TableRefreshTimeout, 60 s), which measures the
            // bench's timing, not detection. Both views must have dropped C first.
            await BenchCluster.WaitForActiveAsync(siloA, 2, ViewTimeout);
            await siloB.WaitForViewAsync(2, ViewTimeout);
            siloB.Pause();
            var hung = Stopwatch.GetTimestamp();
            hangDeadAfter = (await rows.WatchAsync(addressB, hung, HangLimit, Poll)).DeadAfter;
            siloB.Kill();
        }
        fatal.ThrowIfFailed();
        return new DetectionResult(stallDead, stall.MaxVotes, kill.DeadAfter, kill.FirstVoteAfter, hangDeadAfter);
    }
}
