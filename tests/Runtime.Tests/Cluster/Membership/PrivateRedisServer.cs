using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>
/// A redis-server of the test's own (no persistence, on a free port, files in a temp folder), for tests that
/// restart Redis: the shared one of scripts/services.sh serves other tests. Needs redis-server on the PATH (or
/// GRANARY_REDIS_SERVER), which scripts/services.sh installs; without it the test fails naming it.
/// </summary>
internal sealed class PrivateRedisServer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "granary-tests", "redis-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    private PrivateRedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<PrivateRedisServer> StartAsync()
    {
        var server = new PrivateRedisServer(FreePort());
        Directory.CreateDirectory(server._directory);
        await server.LaunchAsync();
        return server;
    }

    /// <summary>Kills the server (as a crash would: its data is gone) and starts a new one on the same port.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("GRANARY_REDIS_SERVER") ?? "redis-server";
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory })
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"This test starts its own Redis and could not run '{executable}' (install it with scripts/services.sh start, or set GRANARY_REDIS_SERVER): {ex.Message}", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await RedisAdmin.EventuallyAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode}.");
            }
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }, $"the private redis-server to listen on port {Port}", TimeSpan.FromSeconds(15));
    }

    private async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
            }
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
