using Granary.Runtime.Cluster.Transport;

namespace Granary.Runtime.Tests.Cluster.Transport;

public sealed class SiloTransportOptionsValidatorTests
{
    [Fact]
    public void Defaults_WithASecret_AreValid()
    {
        var result = new SiloTransportOptionsValidator().Validate(null, new SiloTransportOptions { SharedSecret = "s" });

        Assert.True(result.Succeeded);
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
