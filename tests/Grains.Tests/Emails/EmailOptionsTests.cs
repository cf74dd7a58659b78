using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Tests.Emails;

/// <summary>Email options as the silo binds them from the Granary section.</summary>
public sealed class EmailOptionsTests
{
    [Fact]
    public void ConfiguredRetryDelays_ReplaceTheDefaultSchedule()
    {
        var options = Bind(new() { ["Email:RetryDelays:0"] = "00:00:05", ["Email:RetryDelays:1"] = "00:01:00" });

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)], options.Schedule.Delays);
        Assert.Equal(3, options.Schedule.MaxAttempts);
    }

    [Fact]
    public void WithoutRetryDelays_TheScheduleIsTheEmailDefault()
    {
        var options = Bind(new() { ["Email:Host"] = "smtp.example.com" });

        Assert.Equal(RetrySchedule.EmailDefault.Delays, options.Schedule.Delays);
        Assert.Equal("smtp.example.com", options.Host);
    }

    private static EmailOptions Bind(Dictionary<string, string?> settings)
    {
        var granary = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddGranaryDomain(granary).BuildServiceProvider();
        return services.GetRequiredService<IOptions<EmailOptions>>().Value;
    }
}
