using System.Net;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Placement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Tests.Cluster.Transport;

/// <summary>A real Kestrel on 127.0.0.1 serving <see cref="SiloConnectionHandler"/> with a test message handler.</summary>
internal sealed class TestSiloServer : IAsyncDisposable
{
    public const string ClusterId = "transport-tests";
    public const string Secret = "correct horse battery staple";

    private readonly WebApplication _app;

    private TestSiloServer(WebApplication app, int port, LogCapture log)
    {
        _app = app;
        Log = log;
        Address = new SiloAddress("127.0.0.1", port, 1);
    }

    /// <summary>Where clients reach this server.</summary>
    public SiloAddress Address { get; }

    /// <summary>What the server logged.</summary>
    public LogCapture Log { get; }

    /// <summary>Options for a client of this cluster; <paramref name="configure"/> changes them.</summary>
    public static SiloTransportOptions Options(Action<SiloTransportOptions>? configure = null)
    {
        var options = new SiloTransportOptions { ClusterId = ClusterId, SharedSecret = Secret, ConnectTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Starts a server on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<TestSiloServer> StartAsync(ISiloMessageHandler handler, Action<SiloTransportOptions>? configure = null, int port = 0)
    {
        var log = new LogCapture();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(log);
        builder.Services.AddSingleton(handler);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options(configure)));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseConnectionHandler<SiloConnectionHandler>()));
        var app = builder.Build();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestSiloServer(app, new Uri(bound).Port, log);
    }

    /// <summary>Stops at once, aborting connections, as a crashed silo would.</summary>
    public Task KillAsync() => _app.StopAsync(new CancellationToken(canceled: true));

    /// <summary>Stops gracefully: connections finish the requests they took.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _app.DisposeAsync();
    }
}
