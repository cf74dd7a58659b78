using Granary.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Granary.Persistence.Tests.Reminders;

/// <summary>Orleans's Redis reminder table (Microsoft.Orleans.Reminders.Redis), the cluster profile's.</summary>
public sealed class RedisReminderTableTests : ReminderTableContractTests
{
    protected override void AddReminderTable(IServiceCollection services) =>
        services.UseRedisReminderService(o =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(TestServices.Redis);
            o.ConfigurationOptions.ConnectTimeout = 5000;
        });
}
