using System.Globalization;
using Granary.Engine.Bench.Grains;
using Granary.Engine.Bench.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// The child side of the cluster family: <c>Granary.Engine.Bench silo --redis … --service-id … --cluster-id …
/// --port … --membership … [--lifetime-s N]</c> runs one silo of the bench cluster. It talks to the bench process
/// through lines: it writes <c>@bench ready|view|activated …</c> on stdout (its logs go to stderr) and reads commands
/// on stdin. It exits when stdin closes (the bench process ended, whatever way), on <c>exit</c>, when its lifetime
/// (15 min by default) is over, or when Orleans stops it (declared dead).
/// </summary>
internal static class SiloMode
{
    public const string Prefix = "@bench ";
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length % 2 != 0 || args.Where((_, i) => i % 2 == 0).Any(a => !a.StartsWith("--", StringComparison.Ordinal)))
        {
            await Console.Error.WriteLineAsync($"silo mode: arguments must be '--name value' pairs, got '{string.Join(' ', args)}'.");
            return 2;
        }
        var values = Enumerable.Range(0, args.Length / 2).ToDictionary(i => args[2 * i], i => args[2 * i + 1]);
        var settings = ClusterSettings.FromArguments(values);
        var lifetime = values.TryGetValue("--lifetime-s", out var seconds)
            ? TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture))
            : DefaultLifetime;

        using var bounded = new CancellationTokenSource(lifetime);
        await using var silo = await BenchSilo.StartAsync(settings.Configure, logLevel: LogLevel.Warning);
        Emit($"ready {silo.Address.ToParsableString()}");
        var stopping = silo.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var running = CancellationTokenSource.CreateLinkedTokenSource(bounded.Token, stopping);
        var views = ReportViewsAsync(silo.Services.GetRequiredService<IClusterMembershipService>(), running.Token);
        await RunCommandsAsync(silo, running.Token);
        await running.CancelAsync();
        await views;
        return 0;
    }

    /// <summary>One control line on stdout (Console.Out is synchronized; the bench reads lines with the prefix).</summary>
    private static void Emit(string line) => Console.Out.WriteLine(Prefix + line);

    /// <summary>"view {version} {active silos}" for every membership snapshot this silo sees.</summary>
    private static async Task ReportViewsAsync(IClusterMembershipService membership, CancellationToken cancellation)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellation))
            {
                var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
                Emit($"view {snapshot.Version.Value} {active}");
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static async Task RunCommandsAsync(BenchSilo silo, CancellationToken cancellation)
    {
        var stopped = Task.Delay(Timeout.Infinite, cancellation);
        while (true)
        {
            var read = Console.In.ReadLineAsync(cancellation).AsTask();
            if (await Task.WhenAny(read, stopped) == stopped || await read is not { } line || line == "exit")
            {
                return;
            }
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["activate", var from, var count])
            {
                await ActivateAsync(silo, int.Parse(from, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture));
            }
            else
            {
                await Console.Error.WriteLineAsync($"silo mode: unknown command '{line}'.");
            }
        }
    }

    /// <summary>
    /// Activates ping grains <paramref name="from"/>..+<paramref name="count"/> from this silo (prefer-local placement
    /// puts them here) and answers how many did land here.
    /// </summary>
    private static async Task ActivateAsync(BenchSilo silo, int from, int count)
    {
        var grains = Enumerable.Range(from, count).Select(i => silo.GrainFactory.GetGrain<IPingGrain>(i)).ToArray();
        var places = await Task.WhenAll(grains.Select(g => g.Where().AsTask()));
        var here = silo.Address.ToParsableString();
        Emit($"activated {count} {places.Count(p => p == here)}");
    }
}
