using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Granary.Testing.Http;

/// <summary>
/// A small Kestrel app on 127.0.0.1 and a free port, for the servers tests stand up in place of things outside the
/// product (webhook receivers): no logging, routes mapped by the caller, stopped within five seconds.
/// </summary>
internal static class LoopbackApp
{
    /// <summary>Starts the app with the routes <paramref name="map"/> adds; returns it with its base URL ("http://127.0.0.1:PORT").</summary>
    public static async Task<(WebApplication App, string BaseUrl)> StartAsync(Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, app.Urls.Single());
    }

    /// <summary>Stops (waiting at most five seconds for requests in flight) and disposes the app.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(bounded.Token);
        await app.DisposeAsync();
    }
}
