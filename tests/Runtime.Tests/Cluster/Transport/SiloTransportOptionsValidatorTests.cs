using Granary.Runtime.Cluster.Transport;

namespace Granary.Runtime.Tests.Cluster.Transport;

public sealed class SiloTransportOptionsValidatorTests
{
    [Fact]
    public void Defaults_WithASecret_AreValid()
    {
        var result = new SiloTransportOptionsValidator().Validate(null, new SiloTransportOptions { SharedSecret = "sixteen-chars-ok" });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void ShortSecret_IsRefused_NamingTheMinimum()
    {
        var result = new SiloTransportOptionsValidator().Validate(null, new SiloTransportOptions { SharedSecret = "short" });

        Assert.Equal(
            ["Granary:Cluster:SharedSecret has 5 characters but needs at least 16: it is all that keeps strangers from calling grains."],
            result.Failures);
    }

    [Fact]
    public void Failures_NameTheOptionAndTheRule()
    {
        var options = new SiloTransportOptions { SharedSecret = null, MaxInFlightPerConnection = 0, ConnectTimeout = TimeSpan.Zero };

        var result = new SiloTransportOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Granary:Cluster:SharedSecret is not set; every silo of the cluster needs the same secret.",
                "Granary:Cluster:ConnectTimeout is 00:00:00 but must be a positive time span.",
                "Granary:Cluster:MaxInFlightPerConnection is 0 but must be at least 1.",
            ],
            result.Failures);
    }
}
