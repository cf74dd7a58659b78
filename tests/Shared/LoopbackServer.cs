using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Granary.Testing.Http;

/// <summary>
/// A small Kestrel app on 127.0.0.1 and a free port, for the servers tests stand up in place of things outside the
/// product (webhook receivers): no logging, routes mapped by the caller, stopped within five seconds on dispose.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
        BaseUrl = app.Urls.Single();
    }

    /// <summary>"http://127.0.0.1:PORT".</summary>
    public string BaseUrl { get; }

    /// <summary>Starts a server with the routes <paramref name="map"/> adds.</summary>
    public static async Task<LoopbackServer> StartAsync(Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app);
    }

    /// <summary>Stops (waiting at most five seconds for requests in flight) and disposes the app.</summary>
    public async ValueTask DisposeAsync()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(bounded.Token);
        await _app.DisposeAsync();
    }
}
