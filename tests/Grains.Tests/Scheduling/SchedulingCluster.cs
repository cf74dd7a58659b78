using Granary.Grains.Inventory;
using Granary.Grains.Organizations;
using Granary.Grains.Scheduling;
using Granary.Grains.Users;
using Granary.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>
/// A test cluster on a manual clock that can jump days: membership, deadlines and idle collection get periods long
/// enough that a jump neither declares live silos dead nor fires thousands of housekeeping timers.
/// </summary>
internal static class SchedulingCluster
{
    public static Task<TestCluster> StartAsync(ManualTimeProvider time, RecordingNotifier notifier, int silos) =>
        GrainTestCluster.StartAsync(o =>
        {
            o.SiloCount = silos;
            o.TimeProvider = time;
            o.ConfigureServices = services => services.AddSingleton<IDailySummaryNotifier>(notifier);
            o.ConfigureReminders = r =>
            {
                r.PollInterval = TimeSpan.FromMinutes(1);
                r.LeaseDuration = TimeSpan.FromMinutes(10);
            };
            o.ConfigureSilo = s =>
            {
                s.ResponseTimeout = TimeSpan.FromHours(1);
                s.DeadlineCheckInterval = TimeSpan.FromMinutes(1);
                s.ActivationTimeout = TimeSpan.FromHours(1);
                s.DeactivationTimeout = TimeSpan.FromHours(1);
                s.CollectionAge = TimeSpan.FromDays(1);
                s.CollectionQuantum = TimeSpan.FromHours(1);
            };
            o.ConfigureCluster = c =>
            {
                c.IAmAlivePeriod = TimeSpan.FromHours(1);
                c.DeathTimeout = TimeSpan.FromDays(30);
                c.RefreshPeriod = TimeSpan.FromHours(1);
                c.ProbeInterval = TimeSpan.FromDays(1);
                c.ProbeTimeout = TimeSpan.FromHours(1);
            };
        });

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
    /// Stops the cluster while moving the clock: a leaving silo waits for a quiet period (a probe interval) measured on
    /// the silo's clock, which only moves when the test moves it. Bounded to about 30 s of real time.
    /// </summary>
    public static async Task StopAsync(this TestCluster cluster, ManualTimeProvider time)
    {
        var stopping = cluster.DisposeAsync().AsTask();
        for (var round = 0; !stopping.IsCompleted && round < 600; round++)
        {
            time.Advance(TimeSpan.FromHours(6));
            await Task.WhenAny(stopping, Task.Delay(50));
        }
        await stopping;
    }

    /// <summary>Moves the clock to <paramref name="target"/> an hour at a time, so due ticks fire in order.</summary>
    public static void AdvanceTo(this ManualTimeProvider time, DateTimeOffset target)
    {
        for (var guard = 0; time.GetUtcNow() < target && guard < 24 * 30; guard++)
        {
            var step = target - time.GetUtcNow();
            time.Advance(step < TimeSpan.FromHours(1) ? step : TimeSpan.FromHours(1));
        }
    }
}
