using Granary.Grains.Inventory;
using Granary.Grains.Organizations;
using Granary.Grains.Scheduling;
using Granary.Grains.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>Clusters whose grains run on a fake clock set to a given day, with the daily summaries recorded instead of emailed.</summary>
internal static class SchedulingCluster
{
    public static Task<GranaryCluster> StartAsync(DateTimeOffset start, RecordingNotifier notifier, short silos) =>
        GranaryCluster.StartAsync(new GranaryClusterOptions { Silos = silos, GrainClock = new FakeTimeProvider(start) }
            .AddServices(services => services.AddSingleton<IDailySummaryNotifier>(notifier)));

    /// <summary>A user who owns a new organization in <paramref name="timeZone"/>; pending orders stay pending for 30 days.</summary>
    public static async Task<IOrganizationGrain> CreateOrganizationAsync(this IGrainFactory grains, string orgId, string timeZone, bool dailySummary = true)
    {
        var ownerId = $"owner-{orgId}";
        await grains.GetGrain<IUserGrain>(ownerId).Create(new NewUser($"{ownerId}@example.com", "Owner", "hash"));
        var org = grains.GetGrain<IOrganizationGrain>(orgId);
        await org.Create(new CreateOrganization(orgId, orgId), ownerId);
        await org.UpdateSettings(new OrganizationSettings(AutoCancelMinutes: 30 * 24 * 60, DailySummary: dailySummary, TimeZone: timeZone));
        await grains.GetGrain<IInventoryGrain>(InventoryKey.For(orgId, "A")).SetOnHand(100);
        return org;
    }

    /// <summary>
    /// Moves the grains' clock to <paramref name="target"/>, then delivers the tick of each organization's daily-summary
    /// reminder whose intended time has come (twice, as Orleans may around a change of reminder ownership).
    /// </summary>
    public static async Task AdvanceToAsync(this GranaryCluster cluster, DateTimeOffset target, params string[] organizationIds)
    {
        cluster.Time.SetUtcNow(target);
        foreach (var organizationId in organizationIds)
        {
            var summary = cluster.Grains.GetGrain<IDailySummaryGrain>(organizationId);
            if ((await summary.Get()).NextRunAt is { } due && due <= target)
            {
                await cluster.TickAsync(summary, DailySummaryGrain.ReminderName);
                await cluster.TickAsync(summary, DailySummaryGrain.ReminderName);
            }
        }
    }
}
