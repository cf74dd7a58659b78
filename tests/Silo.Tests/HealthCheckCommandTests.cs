using System.Security.Cryptography;
using Granary.Silo.Hosting;
using Granary.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Granary.Silo.Tests;

/// <summary>
/// <c>healthcheck</c>, the image's health check (the chiseled runtime image has no shell and no curl): it asks the
/// silo on this machine for <c>/health/ready</c> and exits 0 only on a 200, with one line saying why otherwise.
/// </summary>
public sealed class HealthCheckCommandTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AgainstAReadySilo_ExitsZero()
    {
        await using var silo = SiloProcess.Start("healthy", new Dictionary<string, string>
        {
            ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        await silo.WaitReadyAsync(StartTimeout);

        await using var check = HealthCheck(silo.HttpPort);

        Assert.Equal(0, await check.WaitForExitAsync(CommandTimeout));
        Assert.Contains($"http://127.0.0.1:{silo.HttpPort}/health/ready answered 200", check.Output);
    }

    [Fact]
    public async Task AgainstAClosedPort_ExitsOne_SayingItCannotReachTheSilo()
    {
        var port = LoopbackPorts.Free();

        await using var check = HealthCheck(port);

        Assert.Equal(1, await check.WaitForExitAsync(CommandTimeout));
        Assert.Contains($"Granary healthcheck: cannot reach http://127.0.0.1:{port}/health/ready: Connection refused", check.Output);
    }

    [Fact]
    public async Task AgainstASiloAnswering503_ExitsOne_WithTheStatusAndBody()
    {
        await using var notReady = await LoopbackServer.StartAsync(routes => routes.MapGet(
            "/health/ready", () => Results.Json(new { status = "not ready" }, statusCode: StatusCodes.Status503ServiceUnavailable)));
        var port = new Uri(notReady.BaseUrl).Port;

        await using var check = HealthCheck(port);

        Assert.Equal(1, await check.WaitForExitAsync(CommandTimeout));
        Assert.Contains($"http://127.0.0.1:{port}/health/ready answered 503 Service Unavailable: not ready. {{\"status\":\"not ready\"}}", check.Output);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/health/ready")]
    [InlineData("http://+:9000", "http://127.0.0.1:9000/health/ready")]
    [InlineData("http://*:9000", "http://127.0.0.1:9000/health/ready")]
    [InlineData("http://[::]:8080", "http://[::1]:8080/health/ready")]
    [InlineData("http://10.1.2.3:8080", "http://10.1.2.3:8080/health/ready")]
    [InlineData("https://0.0.0.0:8443; http://127.0.0.1:8080", "http://127.0.0.1:8080/health/ready")]
    [InlineData(null, "http://localhost:8080/health/ready")]
    [InlineData("", "http://localhost:8080/health/ready")]
    public void ProbeUri_IsReadyOnTheFirstHttpAddress_WithWildcardsOnLoopback(string? urls, string expected) =>
        Assert.Equal(new Uri(expected), HealthCheckCommand.ProbeUri(urls));

    [Fact]
    public void ProbeUri_WithoutAnHttpAddress_IsNull() =>
        Assert.Null(HealthCheckCommand.ProbeUri("https://0.0.0.0:8443"));

    /// <summary>The silo executable's <c>healthcheck</c> command for a silo listening on 127.0.0.1 and <paramref name="port"/>.</summary>
    private static SiloProcess HealthCheck(int port) =>
        SiloProcess.Start("healthcheck", new Dictionary<string, string>(), command: HealthCheckCommand.Name, httpPort: port);
}
