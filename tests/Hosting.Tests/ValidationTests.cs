namespace Granary.Hosting.Tests;

/// <summary>A bad setting stops start-up with a message naming the key, the value and the rule.</summary>
public sealed class ValidationTests
{
    [Fact]
    public async Task Start_WithNegativeResponseTimeout_FailsNamingKeyValueAndRule()
    {
        var message = await StartAsync(new() { ["Granary:ResponseTimeout"] = "-00:00:01" });

        Assert.Contains("Granary:ResponseTimeout is -00:00:01 but must be a positive time span.", message);
    }

    [Fact]
    public async Task Start_WithUnknownStorageProvider_FailsListingTheAllowedNames()
    {
        var message = await StartAsync(new() { ["Granary:Storage:Provider"] = "Mongo" });

        Assert.Contains("Granary:Storage:Provider is 'Mongo' but must be one of Sqlite, Postgres.", message);
    }

    [Fact]
    public async Task Start_ClusterWithSqliteStorageAndReminders_FailsNamingBothKeys()
    {
        var message = await StartAsync(new()
        {
            ["Granary:Cluster:Membership:Provider"] = "Redis",
            ["Granary:Cluster:Membership:Redis:Configuration"] = TestServices.Redis,
            ["Granary:Cluster:AdvertisedAddress"] = "127.0.0.1",
        });

        Assert.Contains("Granary:Cluster:Membership:Provider is 'Redis' but Granary:Storage:Provider is 'Sqlite'", message);
        Assert.Contains("Granary:Cluster:Membership:Provider is 'Redis' but Granary:Reminders:Provider is 'Sqlite'", message);
    }

    [Fact]
    public async Task Start_WithSeveralInvalidValues_ReportsEveryOneAtOnce()
    {
        var message = await StartAsync(new()
        {
            ["Granary:ResponseTimeout"] = "-00:00:01",
            ["Granary:Storage:Provider"] = "Mongo",
            ["Granary:Cluster:ProbedSilos"] = "0",
        });

        Assert.Contains("Granary:ResponseTimeout is -00:00:01 but must be a positive time span.", message);
        Assert.Contains("Granary:Storage:Provider is 'Mongo' but must be one of Sqlite, Postgres.", message);
        Assert.Contains("Granary:Cluster:ProbedSilos is 0 but must be at least 1.", message);
    }

    [Fact]
    public async Task Start_WithUnconvertibleValue_FailsNamingTheKey()
    {
        var message = await StartAsync(new() { ["Granary:Cluster:SiloPort"] = "eleven" });

        Assert.Contains("'eleven'", message);
        Assert.Contains("Granary:Cluster:SiloPort", message);
    }

    [Fact]
    public async Task Start_WithUnreadableCertificate_FailsNamingTheKey()
    {
        var message = await StartAsync(new() { ["Granary:Cluster:Tls:CertificatePath"] = "missing.pfx" });

        Assert.Contains("Granary:Cluster:Tls:CertificatePath is 'missing.pfx' but must be a readable .pfx file", message);
    }

    [Fact]
    public async Task Start_WithHalfADashboardCredential_FailsNamingTheMissingKey()
    {
        var message = await StartAsync(new() { ["Granary:Dashboard:Username"] = "ops" });

        Assert.Contains("Granary:Dashboard:Password is empty but must be set because Granary:Dashboard:Username is", message);
    }

    [Fact]
    public async Task Start_WithInvalidValue_CreatesNoDatabase()
    {
        using var root = new TempFolder();

        await SiloHost.StartExpectingFailureAsync(root.Path, new Dictionary<string, string?>(EmbeddedProfileTests.Ports())
        {
            ["Granary:Cluster:Membership:Provider"] = "Redis",
            ["Granary:Cluster:AdvertisedAddress"] = "127.0.0.1",
        });

        Assert.False(File.Exists(Path.Combine(root.Path, "data", "granary.db")));
    }

    private static async Task<string> StartAsync(Dictionary<string, string?> settings)
    {
        using var root = new TempFolder();
        foreach (var (key, value) in EmbeddedProfileTests.Ports())
        {
            settings.TryAdd(key, value);
        }
        return await SiloHost.StartExpectingFailureAsync(root.Path, settings);
    }
}
