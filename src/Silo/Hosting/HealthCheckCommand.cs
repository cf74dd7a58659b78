using System.Net;
using System.Net.Sockets;

namespace Granary.Silo.Hosting;

/// <summary>
/// <c>dotnet Granary.Silo.dll healthcheck [settings]</c>: asks the silo these settings would start, on this machine,
/// whether it is ready (<c>GET /health/ready</c>) and exits with 0 (200) or 1 (any other answer, no answer, or no
/// HTTP address), saying why on one line. It is the container's health check where the image has no shell and no curl;
/// like <c>migrate</c> it reads the same settings as a silo start (environment, then the arguments after the command).
/// </summary>
internal static class HealthCheckCommand
{
    public const string Name = "healthcheck";
    public const string ReadyPath = "/health/ready";

    /// <summary>How long the request may take; a container runtime's own health-check timeout should be longer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool Is(string[] args) => args.Length > 0 && string.Equals(args[0], Name, StringComparison.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .AddCommandLine(args[1..])
            .Build();
        if (ProbeUri(configuration[WebHostDefaults.ServerUrlsKey]) is not { } uri)
        {
            await Console.Error.WriteLineAsync(
                $"Granary healthcheck: the silo's Urls ({configuration[WebHostDefaults.ServerUrlsKey]}) name no http:// address to ask.");
            return 1;
        }
        return await ProbeAsync(uri, Timeout);
    }

    /// <summary>
    /// Where to ask: <c>/health/ready</c> on the first http:// address of <paramref name="urls"/> (the silo's
    /// <c>Urls</c>, <c>;</c>-separated, as Kestrel reads them), its wildcard host (<c>0.0.0.0</c>, <c>+</c>,
    /// <c>*</c>, <c>[::]</c>) replaced by loopback; the silo's default address when no Urls are set; null when they
    /// hold no http:// address.
    /// </summary>
    public static Uri? ProbeUri(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = SiloProcessDefaults.DefaultUrl;
        }
        foreach (var entry in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(entry);
            }
            catch (FormatException)
            {
                continue;
            }
            if (address.IsUnixPipe || !string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var host = address.Host switch
            {
                "+" or "*" or "0.0.0.0" => "127.0.0.1",
                "[::]" or "::" => "[::1]",
                var named => named,
            };
            return new Uri($"http://{host}:{address.Port}{ReadyPath}");
        }
        return null;
    }

    /// <summary>GETs <paramref name="uri"/>: 0 for a 200, else 1; one line on stdout or stderr says what happened.</summary>
    public static async Task<int> ProbeAsync(Uri uri, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(uri);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Console.WriteLine($"Granary healthcheck: {uri} answered 200: ready.");
                return 0;
            }
            var body = await response.Content.ReadAsStringAsync();
            await Console.Error.WriteLineAsync(
                $"Granary healthcheck: {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}: not ready. {Shorten(body)}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
            await Console.Error.WriteLineAsync($"Granary healthcheck: cannot reach {uri}: {reason}.");
            return 1;
        }
        catch (TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"Granary healthcheck: {uri} did not answer within {timeout.TotalSeconds:0.#} s.");
            return 1;
        }
    }

    private static string Shorten(string body)
    {
        const int max = 1000;
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= max ? line : line[..max] + "…";
    }
}
