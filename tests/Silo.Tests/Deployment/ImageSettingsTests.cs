using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Granary.Silo.Tests.Deployment;

/// <summary>
/// The image sets no advertised address (it can't know the container's; it has no shell to find it either): a clustered
/// silo with the image's settings advertises this machine's own IPv4 address and becomes Active with it.
/// </summary>
public sealed partial class ImageSettingsTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ClusteredSilo_WithTheImagesSettings_AdvertisesANonLoopbackIPv4OfThisMachine()
    {
        var postgres = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test";
        var redis = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") ?? "127.0.0.1:56379";
        var runId = $"image{Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant()}";
        await using var silo = SiloProcess.Start("image", new Dictionary<string, string>
        {
            // The Dockerfile's ENV (the silo and gateway ports come from SiloProcess) and docker-compose.yml's cluster.
            ["Granary__Cluster__ListenAddress"] = "0.0.0.0",
            ["Granary__ServiceId"] = runId,
            ["Granary__ClusterId"] = runId,
            ["Granary__Cluster__Membership__Provider"] = "Redis",
            ["Granary__Cluster__Membership__Redis__Configuration"] = redis,
            ["Granary__Storage__Provider"] = "Postgres",
            ["Granary__Storage__Postgres__ConnectionString"] = postgres,
            ["Granary__Reminders__Provider"] = "Redis",
            ["Granary__Reminders__Redis__Configuration"] = redis,
            ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Granary__Dashboard__Username"] = "operator",
            ["Granary__Dashboard__Password"] = "operator-password-for-tests",
        });

        await silo.WaitReadyAsync(StartTimeout);

        // The silo's address is a detail for the operator's eyes.
        using var ready = JsonDocument.Parse(await silo.WaitForOkAsync("/health/ready", StartTimeout, asOperator: ("operator", "operator-password-for-tests")));
        var detail = ready.RootElement.GetProperty("providers").EnumerateArray()
            .Single(p => p.GetProperty("component").GetString() == "silo").GetProperty("detail").GetString()!;
        var advertised = IPAddress.Parse(ActiveAs().Match(detail) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no address in '{detail}'"));
        Assert.Equal(AddressFamily.InterNetwork, advertised.AddressFamily);
        Assert.False(IPAddress.IsLoopback(advertised), $"{advertised} is a loopback address: other containers could not reach it");
        Assert.Contains(advertised, MachineIPv4Addresses());
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(40)));
    }

    private static List<IPAddress> MachineIPv4Addresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();

    [GeneratedRegex(@"^Active as S([0-9.]+):[0-9]+:")]
    private static partial Regex ActiveAs();
}
