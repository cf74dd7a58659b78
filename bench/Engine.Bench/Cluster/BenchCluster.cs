using System.Diagnostics;
using Granary.Engine.Bench.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// What the cluster and jobs scenarios share: Redis (env <c>GRANARY_TEST_REDIS</c>, default 127.0.0.1:56379), the run's
/// own Orleans service id (every membership table and reminder of the run lives under it, and is deleted at the end),
/// and the in-process silo A. Silo A keeps this process alive if Orleans declares it dead (see <see cref="ObserverFatalErrorHandler"/>).
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string DefaultRedis = "127.0.0.1:56379";
    private readonly ConnectionMultiplexer _redis;

    private BenchCluster(ConnectionMultiplexer redis, string configuration)
    {
        _redis = redis;
        Redis = configuration;
    }

    public string Redis { get; }

    public string ServiceId { get; } = $"granary-bench-{Guid.NewGuid():N}"[..22];

    public static async Task<BenchCluster> ConnectAsync()
    {
        var configuration = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") is { Length: > 0 } r ? r : DefaultRedis;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        try
        {
            return new BenchCluster(await ConnectionMultiplexer.ConnectAsync(options), configuration);
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException($"Redis at '{configuration}' does not answer (bench/run.sh cluster and jobs start it with scripts/services.sh): {ex.Message}", ex);
        }
    }

    /// <summary>Settings for one more silo of cluster <paramref name="clusterId"/>, on a free port.</summary>
    public ClusterSettings Settings(string clusterId, MembershipSet membership) =>
        new(Redis, ServiceId, clusterId, FreePorts.Next(), membership);

    /// <summary>
    /// Starts silo A in this process, with <paramref name="configureSilo"/> and <paramref name="configureServices"/>
    /// adding what a scenario needs beyond membership (storage, reminders, the domain). Its console shows only
    /// <paramref name="logLevel"/> and above, critical by default: where killing silos is the point, the errors Orleans
    /// logs about calls to them would bury the bench's output (fatal errors reach <paramref name="fatal"/>). Env
    /// <c>GRANARY_BENCH_SILO_LOG</c> (a log level: Information, Debug, …) overrides it, to see why a figure is what it is.
    /// </summary>
    public static Task<BenchSilo> StartInProcessAsync(
        ClusterSettings settings,
        ObserverFatalErrorHandler fatal,
        Action<ISiloBuilder>? configureSilo = null,
        Action<IServiceCollection>? configureServices = null,
        LogLevel logLevel = LogLevel.Critical) =>
        BenchSilo.StartAsync(
            silo =>
            {
                settings.Configure(silo);
                configureSilo?.Invoke(silo);
            },
            services =>
            {
                services.AddSingleton<IFatalErrorHandler>(fatal);
                configureServices?.Invoke(services);
            },
            ObserverLogLevel(logLevel));

    private static LogLevel ObserverLogLevel(LogLevel fallback) =>
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("GRANARY_BENCH_SILO_LOG"), ignoreCase: true, out var level) ? level : fallback;

    /// <summary>Polls <paramref name="silo"/>'s membership snapshot until it lists <paramref name="silos"/> Active silos.</summary>
    public static async Task WaitForActiveAsync(BenchSilo silo, int silos, TimeSpan timeout)
    {
        var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) != silos)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                var members = membership.CurrentSnapshot.Members.Values.Select(m => $"{m.SiloAddress} {m.Status}");
                throw new TimeoutException($"Silo A's view did not reach {silos} active silos within {timeout.TotalSeconds:0} s: {string.Join(", ", members)}.");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Deletes every key of the run's service id (dispose after the silos).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var deleted = 0L;
            foreach (var endpoint in _redis.GetEndPoints())
            {
                var keys = _redis.GetServer(endpoint).Keys(pattern: ServiceId + "/*", pageSize: 500).ToArray();
                if (keys.Length > 0)
                {
                    deleted += await _redis.GetDatabase().KeyDeleteAsync(keys);
                }
            }
            Console.WriteLine($"cluster: deleted {deleted} Redis key(s) of service id {ServiceId}");
        }
        catch (RedisException ex)
        {
            await Console.Error.WriteLineAsync($"cluster: could not delete the Redis keys of service id {ServiceId}: {ex.Message}");
        }
        await _redis.CloseAsync();
        _redis.Dispose();
    }
}
