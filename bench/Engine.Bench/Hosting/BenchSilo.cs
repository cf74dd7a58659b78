using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Granary.Engine.Bench.Hosting;

/// <summary>
/// A silo in this process, hosted the way Granary hosts one: a generic host with <c>UseOrleans</c>; callers use the
/// co-hosted <see cref="IGrainFactory"/>, as Granary's HTTP endpoints do. Start and stop are bounded in time.
/// </summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => _host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>
    /// Builds and starts the host. <paramref name="logLevel"/> applies to the console (stderr): the bench's own output
    /// stays readable, while errors still show.
    /// </summary>
    public static async Task<BenchSilo> StartAsync(
        Action<ISiloBuilder> configureSilo, Action<IServiceCollection>? configureServices = null, LogLevel logLevel = LogLevel.Error)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter((_, level) => level >= logLevel);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        configureServices?.Invoke(builder.Services);
        builder.UseOrleans(configureSilo);
        var host = builder.Build();
        try
        {
            using var bounded = new CancellationTokenSource(StartTimeout);
            await host.StartAsync(bounded.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(StopTimeout);
            await _host.StopAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"bench: the in-process silo did not stop within {StopTimeout.TotalSeconds:0} s; disposing it anyway.");
        }
        finally
        {
            _host.Dispose();
        }
    }
}
