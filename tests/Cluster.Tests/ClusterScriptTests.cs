using Granary.Testing.Processes;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Granary.Cluster.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// scripts/cluster.sh as people use it: silos behind nginx on one port, brought back and scaled out with <c>up</c>
/// after every silo was killed (their rows still say Active), then stopped. The run has its own ports, cluster id and
/// service id; the cluster's grain rows (database granary) and Redis keys are removed at the end.
/// </summary>
public sealed class ClusterScriptTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("granary-cluster-script-").FullName;
    private readonly Dictionary<string, string> _environment = PortEnvironment();

    [Fact]
    public async Task ClusterScript_RunsSilosBehindNginx_ComesBackAndScalesAfterEverySiloWasKilled_AndStops()
    {
        await TestServices.RequireBothAsync();

        await RunAsync("up", "2");
        var proxy = $"http://127.0.0.1:{_environment["GRANARY_PROXY_PORT"]}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var answered = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await http.GetAsync($"{proxy}/health/ready");
            Assert.True(response.IsSuccessStatusCode, $"the proxy answered {(int)response.StatusCode}");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            answered.Add(body.RootElement.GetProperty("silo").GetString()!);
        }
        Assert.Equal(["silo-1", "silo-2"], answered.Order());
        Assert.Equal(0, (await RunAsync("status")).ExitCode);

        // A crash of the whole cluster leaves rows saying Active; each silo started again on its port marks its
        // predecessor's row Dead, so `up` must not wait for those rows to go stale. `up 3` also scales out by one.
        foreach (var pidFile in Directory.GetFiles(_directory, "silo.pid", SearchOption.AllDirectories))
        {
            using var silo = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
            silo.Kill();
            await silo.WaitForExitAsync();
        }
        var restarting = Stopwatch.StartNew();
        await RunAsync("up", "3");
        output.WriteLine($"cluster_up_3_after_kill9_of_both_silos_s: {restarting.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}");
        Assert.Contains("3 active silos", (await RunAsync("status")).Output);

        await RunAsync("down");
        Assert.NotEqual(0, (await RunAsync("status", expectSuccess: false)).ExitCode);
    }

    [Fact]
    public async Task BehindNginx_FailedLoginsFromOneAddress_NeverStopTheOwnersLoginFromAnother()
    {
        await TestServices.RequireBothAsync();
        await RunAsync("up", "1");
        var proxy = new Uri($"http://127.0.0.1:{_environment["GRANARY_PROXY_PORT"]}");
        // Two client addresses on loopback: nginx sees each as $remote_addr and forwards it; the silo trusts nginx.
        using var guesser = ClientFrom(IPAddress.Parse("127.0.0.2"), proxy);
        using var owner = ClientFrom(IPAddress.Parse("127.0.0.3"), proxy);
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        const string password = "owner-password-1";
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/auth/register", new { email, password, name = "Owner" })).StatusCode);

        var refused = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            refused.Add((await guesser.PostAsJsonAsync("/auth/login", new { email = $"made-up-{i}@example.com", password = "a guess" })).StatusCode);
        }
        for (var i = 0; i < 5; i++)
        {
            refused.Add((await guesser.PostAsJsonAsync("/auth/login", new { email, password = "a guess" })).StatusCode);
        }

        Assert.All(refused, status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.Contains(HttpStatusCode.TooManyRequests, refused);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/auth/login", new { email, password })).StatusCode);
        await RunAsync("down");
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x address works on loopback).</summary>
    private static HttpClient ClientFrom(IPAddress source, Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string command, string? count = null, bool expectSuccess = true)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        start.ArgumentList.Add("scripts/cluster.sh");
        start.ArgumentList.Add(command);
        if (count is not null)
        {
            start.ArgumentList.Add(count);
            if (File.Exists(Path.Combine(RepositoryRoot.Path, "src/Silo/bin/Release/net10.0/Granary.Silo.dll")))
            {
                start.ArgumentList.Add("--no-build");
            }
        }
        start.ArgumentList.Add("--dir");
        start.ArgumentList.Add(_directory);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine($"$ cluster.sh {command} {count}\n{text}");
        if (expectSuccess && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {command} {count} exited with {process.ExitCode}:\n{text}");
        }
        return (process.ExitCode, text);
    }

    /// <summary>Ports of this run's own: a free proxy port and free blocks for the silos' HTTP and silo ports.</summary>
    private static Dictionary<string, string> PortEnvironment() => new()
    {
        ["GRANARY_PROXY_PORT"] = LoopbackPorts.FreeBlock(1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GRANARY_HTTP_BASE"] = LoopbackPorts.FreeBlock(4).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GRANARY_SILO_BASE"] = LoopbackPorts.FreeBlock(4).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GRANARY_CLUSTER_ID"] = $"script{Guid.NewGuid():N}"[..14],
        ["GRANARY_SERVICE_ID"] = ClusterSettings.NewRunId("cs"),
    };

    public void Dispose()
    {
        try
        {
            RunAsync("down", expectSuccess: false).GetAwaiter().GetResult();
            var serviceId = _environment["GRANARY_SERVICE_ID"];
            TestData.DeleteRedisKeysAsync(TestServices.Redis, serviceId).GetAwaiter().GetResult();
            // The script's silos use database granary on the tests' server, not granary_test.
            var cluster = new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = "granary" }.ConnectionString;
            try
            {
                TestData.DeleteGrainStateAsync(cluster, serviceId).GetAwaiter().GetResult();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // No silo got as far as creating the schema: nothing to remove.
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
