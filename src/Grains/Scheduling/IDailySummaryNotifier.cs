using Granary.Grains.Organizations;

namespace Granary.Grains.Scheduling;

/// <summary>
/// Hands one owner's daily summary over for delivery. Called by <see cref="DailySummaryGrain"/> on its tick; must be
/// idempotent per (organization, date, owner), because a tick that fails after some owners were notified runs again.
/// </summary>
public interface IDailySummaryNotifier
{
    Task NotifyAsync(DailySummary summary, MemberInfo owner, CancellationToken cancellationToken);
}
