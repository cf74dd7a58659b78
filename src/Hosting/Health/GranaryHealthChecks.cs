using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Granary.Hosting;

/// <summary>
/// Registers the readiness checks as ASP.NET Core health checks: this silo is Active in Orleans membership, the grain
/// storage's database answers a round trip, and the reminder table answers a read. Each is bounded by <see cref="CheckTimeout"/>.
/// </summary>
internal static class GranaryHealthChecks
{
    public const string ReadyTag = "ready";

    /// <summary>The kind a component reports in <c>/health/ready</c> travels as a tag, so a timed-out check still has one.</summary>
    public const string KindTagPrefix = "kind:";

    /// <summary>Longest a single check may take; a load balancer's probe should allow a little more.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The order components appear in <c>/health/ready</c>.</summary>
    public static readonly string[] Components = ["silo", "storage", "reminders"];

    public static IServiceCollection AddGranaryHealthChecks(this IServiceCollection services, GranaryProfile profile)
    {
        services.AddHealthChecks()
            .Add(Registration("silo", "orleans", sp => ActivatorUtilities.CreateInstance<SiloHealthCheck>(sp)))
            .Add(Registration("storage", StorageKind(profile), _ => StorageHealthCheck.For(profile)))
            .Add(Registration("reminders", RemindersKind(profile), sp => ActivatorUtilities.CreateInstance<ReminderTableHealthCheck>(sp, profile)));
        return services;
    }

    private static HealthCheckRegistration Registration(string component, string kind, Func<IServiceProvider, IHealthCheck> factory) =>
        new(component, factory, HealthStatus.Unhealthy, [ReadyTag, KindTagPrefix + kind], CheckTimeout);

    private static string StorageKind(GranaryProfile profile) => profile.Storage switch
    {
        StorageProviderKind.Postgres => "postgres",
        _ => "sqlite",
    };

    private static string RemindersKind(GranaryProfile profile) => profile.Reminders switch
    {
        ReminderProviderKind.Redis => "redis",
        _ => "sqlite",
    };
}
