using Granary.Runtime.Cluster;
using Granary.Runtime.Placement;
using Granary.Runtime.Reminders;
using Granary.Runtime.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Hosting;

/// <summary>Adds a Granary silo to a host.</summary>
public static class GranaryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo and its services. Add storage and a reminder table with the returned builder, or use
    /// <see cref="GranaryConfiguration.AddGranary(IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>
    /// to take them from configuration.
    /// </summary>
    public static GranaryBuilder AddGranary(this IServiceCollection services, Action<SiloOptions>? configureSilo = null, Action<ReminderOptions>? configureReminders = null)
    {
        var options = services.AddOptions<SiloOptions>().ValidateOnStart();
        if (configureSilo is not null)
        {
            options.Configure(configureSilo);
        }
        var reminderOptions = services.AddOptions<ReminderOptions>().ValidateOnStart();
        if (configureReminders is not null)
        {
            reminderOptions.Configure(configureReminders);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReminderOptions>, ReminderOptionsValidator>());
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        // Alone, a silo's address is a placeholder; a clustered silo takes its real one when it joins.
        services.TryAddSingleton(sp => new ClusterMembership(new SiloAddress("127.0.0.1", 0, sp.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds())));
        services.TryAddSingleton(sp => new RuntimeStatistics(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName));
        services.TryAddSingleton(sp => new SiloRuntime(
            sp,
            sp.GetRequiredService<IOptions<SiloOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<RuntimeStatistics>(),
            sp.GetRequiredService<ClusterMembership>()));
        services.TryAddSingleton(sp => new ReminderService(
            sp.GetService<IReminderTable>() ?? throw new InvalidOperationException("No reminder table is configured: call UseSqliteReminders, UseRedisReminders or UseMemoryReminders, or set Granary:Reminders:Provider."),
            sp.GetRequiredService<SiloRuntime>(),
            sp.GetRequiredService<IOptions<ReminderOptions>>(),
            sp.GetService<IReminderBucketOwnership>()));
        services.TryAddSingleton(sp => new Silo(sp, sp.GetRequiredService<SiloRuntime>(), sp.GetService<ClusterCoordinator>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<Silo>().GrainFactory);
        services.TryAddSingleton(sp => sp.GetRequiredService<Silo>().Statistics);
        services.TryAddSingleton<SiloEndpoint>();
        services.AddHostedService<SiloHostedService>();
        return new GranaryBuilder(services);
    }
}
