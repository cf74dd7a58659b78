using System.Diagnostics;
using System.Net;
using Granary.Testing.Processes;

namespace Granary.Silo.Tests;

/// <summary>
/// README's way to choose where the API listens, ASPNETCORE_URLS, works both ways a user starts the silo: under
/// <c>dotnet run --project src/Silo</c> (where a launch profile's applicationUrl used to win over it) and as the built
/// binary. Each run is the embedded default in a folder of its own, asked for <c>/health/live</c> at the address set.
/// </summary>
public sealed class ListenAddressTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task AspNetCoreUrls_IsWhereTheSiloListens_UnderDotnetRun() =>
        AssertListensAsync(() => Command("dotnet", "run", "--no-build", "-c", Configuration, "--project", Path.Combine(RepositoryRoot.Path, "src", "Silo")));

    [Fact]
    public Task AspNetCoreUrls_IsWhereTheSiloListens_AsTheBuiltBinary() =>
        AssertListensAsync(() => Command("dotnet", Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", Configuration, "net10.0", "Granary.Silo.dll")));

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static ProcessStartInfo Command(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private static async Task AssertListensAsync(Func<ProcessStartInfo> command)
    {
        var port = LoopbackPorts.Free();
        var folder = Directory.CreateTempSubdirectory("granary-urls-").FullName;
        var start = command();
        start.WorkingDirectory = folder;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        // Its own Orleans ports, so it never meets a silo of a parallel test; Development, as the launch profile sets.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Granary__Cluster__SiloPort"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Granary__Cluster__GatewayPort"] = "0";
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + StartTimeout;
            HttpStatusCode? status = null;
            while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var response = await client.GetAsync("/health/live");
                    status = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(250);
                }
            }
            Assert.True(status == HttpStatusCode.OK,
                $"Nothing answered /health/live on 127.0.0.1:{port} (ASPNETCORE_URLS) within {StartTimeout.TotalSeconds} s; output:\n{string.Join('\n', output.TakeLast(30))}");
        }
        finally
        {
            // The whole tree: dotnet run starts the silo as a child process.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
