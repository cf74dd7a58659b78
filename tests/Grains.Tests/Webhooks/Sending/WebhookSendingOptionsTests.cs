using Granary.Grains.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Tests.Webhooks.Sending;

public sealed class WebhookSendingOptionsTests
{
    private static WebhookOptions Read(Dictionary<string, string?> settings)
    {
        var granary = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddGranaryDomain(granary).BuildServiceProvider();
        return services.GetRequiredService<IOptions<WebhookOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Read([]).AllowedTargets);

    [Theory]
    [InlineData("Webhooks:Timeout", "00:00:00", "Granary:Webhooks:Timeout")]
    [InlineData("Webhooks:MaxResponseBytes", "-1", "Granary:Webhooks:MaxResponseBytes")]
    [InlineData("Webhooks:MaxLoggedResponseChars", "-1", "Granary:Webhooks:MaxLoggedResponseChars")]
    [InlineData("Webhooks:AllowedTargets:0", "10.0.0.1/8", "\"10.0.0.1/8\"")]
    [InlineData("Webhooks:AllowedTargets:0", "no such host!", "\"no such host!\"")]
    public void InvalidSettings_FailNamingTheOptionAndValue(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(new() { [key] = value }));

        Assert.Contains(named, error.Message);
    }
}
