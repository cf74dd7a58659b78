using Granary.Grains.Organizations;

namespace Granary.Grains.Scheduling;

/// <summary>
/// The daily summary email of one organization, keyed by its id. A reminder due at the next
/// <see cref="OrganizationSettings.DailySummaryHour"/>:00 in the organization's time zone sends the previous local
/// day's figures to every owner, at most once per local day, then schedules the next day.
/// </summary>
[Alias("granary.IDailySummaryGrain")]
public interface IDailySummaryGrain : IGrainWithStringKey, IRestoresReminders
{
    /// <summary>
    /// (Re)schedules the reminder for <paramref name="settings"/>, or removes it when the summary is off. Idempotent.
    /// The organization grain passes its settings because a call back to it from here would be a call cycle.
    /// </summary>
    Task<DailySummarySchedule> Ensure(OrganizationSettings settings);

    /// <summary>Where the schedule stands, read from the reminder table and the grain's state.</summary>
    [ReadOnly]
    Task<DailySummarySchedule> Get();
}

/// <param name="NextRunAt">When the reminder is due; null when none is registered (summary off).</param>
/// <param name="LastSentDate">The local date of the last tick that sent a summary (of the day before it).</param>
[GenerateSerializer, Immutable, Alias("granary.DailySummarySchedule")]
public sealed record DailySummarySchedule(DateTimeOffset? NextRunAt, DateOnly? LastSentDate);
