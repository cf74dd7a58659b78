using Microsoft.Extensions.Configuration;

namespace Granary.Hosting.Tests;

/// <summary>The validators' rules, without a host.</summary>
public sealed class OptionsValidatorTests
{
    [Theory]
    [InlineData("VotesForDeath", "4", "ProbedSilos", "3", "Granary:Cluster:VotesForDeath is 4 but must not exceed Granary:Cluster:ProbedSilos (3).")]
    [InlineData("GatewayPort", "11111", "SiloPort", "11111", "Granary:Cluster:GatewayPort is 11111 but must differ from Granary:Cluster:SiloPort (or be 0: no gateway).")]
    [InlineData("AdvertisedAddress", "silo-1.internal", "SiloPort", "11111", "Granary:Cluster:AdvertisedAddress is 'silo-1.internal' but must be an IP address (not a host name), or unset.")]
    [InlineData("ProbeTimeout", "00:00:00", "SiloPort", "11111", "Granary:Cluster:ProbeTimeout is 00:00:00 but must be a positive time span.")]
    [InlineData("SiloPort", "70000", "GatewayPort", "0", "Granary:Cluster:SiloPort is 70000 but must be a TCP port from 1 to 65535.")]
    public void Cluster_BreakingARule_FailsWithItsMessage(string key, string value, string otherKey, string otherValue, string expected)
    {
        var settings = new Dictionary<string, string?> { [$"Granary:Cluster:{key}"] = value, [$"Granary:Cluster:{otherKey}"] = otherValue };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var profile = GranaryProfile.Read(configuration, Path.GetTempPath());
        var options = configuration.GetSection(GranaryClusterOptions.Section).Get<GranaryClusterOptions>()!;

        var result = new GranaryClusterOptionsValidator(profile).Validate(null, options);

        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void Cluster_Defaults_AreValidForTheEmbeddedProfile()
    {
        var profile = GranaryProfile.Read(new ConfigurationBuilder().Build(), Path.GetTempPath());

        var result = new GranaryClusterOptionsValidator(profile).Validate(null, new GranaryClusterOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Silo_CollectionAgeNotAboveOrleansQuantum_Fails()
    {
        var result = new GranarySiloOptionsValidator().Validate(null, new GranarySiloOptions { CollectionAge = TimeSpan.FromSeconds(30) });

        Assert.Equal(["Granary:CollectionAge is 00:00:30 but must be longer than 00:01:00 (Orleans's collection quantum)."], result.Failures);
    }

    [Fact]
    public void Reminders_RedisConfigurationWithoutServer_Fails()
    {
        var options = new GranaryRemindersOptions { Provider = "redis", Redis = { Configuration = "abortConnect=false" } };

        var result = new GranaryRemindersOptionsValidator().Validate(null, options);

        Assert.Equal(["Granary:Reminders:Redis:Configuration names no server but must name at least one, such as 'redis:6379'."], result.Failures);
    }

    [Fact]
    public void Dashboard_UserNameWithColon_Fails()
    {
        var result = new GranaryDashboardOptionsValidator().Validate(null, new GranaryDashboardOptions { Username = "a:b", Password = "secret" });

        Assert.Equal(["Granary:Dashboard:Username is 'a:b' but must not contain ':' (HTTP Basic separates user and password with it)."], result.Failures);
    }
}
