using System.Net;
using Granary.Runtime.Cluster;
using Granary.Runtime.Cluster.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Hosting;

/// <summary>The ports this silo listens on, known once Kestrel has bound them (port 0 picks a free one).</summary>
public sealed class SiloEndpoint
{
    private ListenOptions? _silo;
    private ListenOptions? _http;

    /// <summary>The bound silo-to-silo port.</summary>
    public int SiloPort => (_silo?.IPEndPoint ?? throw new InvalidOperationException("The silo port is not configured: call ListenSiloPort on Kestrel.")).Port;

    /// <summary>The bound HTTP port, or 0.</summary>
    public int HttpPort => _http?.IPEndPoint?.Port ?? 0;

    internal void SiloListener(ListenOptions options) => _silo = options;

    internal void HttpListener(ListenOptions options) => _http ??= options;
}

/// <summary>Kestrel endpoints of a silo.</summary>
public static class SiloKestrelExtensions
{
    /// <summary>Listens for other silos on <see cref="ClusterOptions.SiloPort"/> at <see cref="ClusterOptions.ListenAddress"/>.</summary>
    public static KestrelServerOptions ListenSiloPort(this KestrelServerOptions kestrel)
    {
        var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ClusterOptions>>().Value;
        var endpoint = kestrel.ApplicationServices.GetRequiredService<SiloEndpoint>();
        var services = kestrel.ApplicationServices;
        kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.SiloPort, listen =>
        {
            // Resolved per connection, not while Kestrel is configured: building the handler validates options,
            // and a bad option must fail the silo's start with its message, not the host's construction.
            listen.Run(connection => services.GetRequiredService<SiloConnectionHandler>().OnConnectedAsync(connection));
            endpoint.SiloListener(listen);
        });
        return kestrel;
    }

    /// <summary>
    /// Listens for HTTP on each of <paramref name="urls"/> (';'-separated, http only). Needed beside
    /// <see cref="ListenSiloPort"/>: once endpoints are configured in code, Kestrel ignores the Urls setting.
    /// </summary>
    public static KestrelServerOptions ListenHttpUrls(this KestrelServerOptions kestrel, string urls)
    {
        var endpoint = kestrel.ApplicationServices.GetRequiredService<SiloEndpoint>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
            if (uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new InvalidOperationException($"'{url}': a clustered silo serves plain http on its own endpoints; terminate TLS in front of it.");
            }
            Action<ListenOptions> configure = listen => endpoint.HttpListener(listen);
            if (uri.Host == "localhost")
            {
                kestrel.ListenLocalhost(uri.Port, configure);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(uri.Host), uri.Port, configure);
            }
        }
        return kestrel;
    }
}
