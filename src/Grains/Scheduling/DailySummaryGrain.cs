using Granary.Grains.Organizations;
using Granary.Grains.Stats;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Scheduling;

/// <summary>The stored shape of one organization's daily summary.</summary>
[GenerateSerializer, Alias("granary.state.DailySummaryState")]
public sealed record DailySummaryState
{
    /// <summary>The local date of the last tick that sent a summary; a second tick that day sends nothing.</summary>
    [Id(0)]
    public DateOnly? LastSentDate { get; init; }

    /// <summary>The intended time of the next tick, as last registered (null when the summary is off).</summary>
    [Id(1)]
    public DateTimeOffset? NextRunAt { get; init; }
}

/// <summary>
/// One organization's daily summary, keyed by the organization id. Its due reminder (see DueReminders) fires at the configured local
/// hour; the tick sends the previous local day's figures to each owner through <see cref="IDailySummaryNotifier"/>,
/// records the date (so a repeated or duplicate tick sends nothing), then registers the next day's tick.
/// </summary>
[GrainType("dailysummary")]
public sealed class DailySummaryGrain(
    [PersistentState("dailySummary")] IPersistentState<DailySummaryState> summary,
    IDailySummaryNotifier notifier,
    ILogger<DailySummaryGrain> logger,
    TimeProvider time) : Grain, IDailySummaryGrain, IRemindable
{
    public const string ReminderName = "daily-summary";

    /// <summary>How long after a failed send the tick is tried again (the same day only).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    public Task<DailySummarySchedule> Ensure(OrganizationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Schedule(settings);
    }

    public async Task<DailySummarySchedule> Get() =>
        new(await this.GetReminder(ReminderName) is null ? null : summary.State.NextRunAt, summary.State.LastSentDate);

    /// <summary>The tick at the stored next run (at once when it has passed: the tick sends only what wasn't sent).</summary>
    public Task<int> RestoreReminders() =>
        summary.State.NextRunAt is { } next ? this.RestoreDueReminder(ReminderName, next, time) : Task.FromResult(0);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }
        var organizationId = this.GetPrimaryKeyString();
        var organization = await GrainFactory.GetGrain<IOrganizationGrain>(organizationId).Get();
        if (organization is null || !organization.Settings.DailySummary)
        {
            await Schedule(organization?.Settings ?? new OrganizationSettings(DailySummary: false));
            return;
        }

        var settings = organization.Settings;
        var now = time.GetUtcNow();
        var today = DailySchedule.LocalDate(now, DailySchedule.Zone(settings.TimeZone));
        if (summary.State.LastSentDate is not { } last || last < today)
        {
            try
            {
                await Send(organization, today.AddDays(-1));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await RetryOrGiveUp(exception, settings, today, now);
                return;
            }
            summary.State = summary.State with { LastSentDate = today };
            await summary.WriteStateAsync();
        }
        await Schedule(settings);
    }

    private async Task Send(OrganizationInfo organization, DateOnly day)
    {
        var figures = await GrainFactory.GetGrain<IOrderStatsGrain>(organization.Id).GetDay(day);
        var owners = (await GrainFactory.GetGrain<IOrganizationGrain>(organization.Id).GetMembers()).Where(m => m.Role == OrgRole.Owner);
        var content = new DailySummary(organization.Id, organization.Name, day, figures.TimeZone, figures.Orders, figures.ByStatus, figures.Revenue);
        foreach (var owner in owners)
        {
            await notifier.NotifyAsync(content, owner, CancellationToken.None);
        }
        SchedulingLog.SummarySent(logger, organization.Id, day);
    }

    /// <summary>
    /// A failed send is tried again a little later the same day (the notifier is idempotent per owner, so owners already
    /// served get nothing twice); once a retry would reach the next day's tick, that day's summary is given up.
    /// </summary>
    private async Task RetryOrGiveUp(Exception exception, OrganizationSettings settings, DateOnly today, DateTimeOffset now)
    {
        var next = DailySchedule.NextOccurrence(now, DailySchedule.Zone(settings.TimeZone), settings.DailySummaryHour);
        if (now + RetryDelay < next)
        {
            SchedulingLog.SummaryRetrying(logger, exception, this.GetPrimaryKeyString(), today, now + RetryDelay);
            await Register(now + RetryDelay, now);
        }
        else
        {
            SchedulingLog.SummaryGivenUp(logger, exception, this.GetPrimaryKeyString(), today);
            await Schedule(settings);
        }
    }

    /// <summary>Registers the tick of the next occurrence, or removes it when the summary is off; writes only on a change.</summary>
    private async Task<DailySummarySchedule> Schedule(OrganizationSettings settings)
    {
        if (!settings.DailySummary)
        {
            await this.UnregisterReminder(ReminderName);
            await Save(nextRunAt: null);
            return new DailySummarySchedule(null, summary.State.LastSentDate);
        }
        var now = time.GetUtcNow();
        var next = DailySchedule.NextOccurrence(now, DailySchedule.Zone(settings.TimeZone), settings.DailySummaryHour);
        // The table's due time may differ from the intended one by the moment it took to register (and a claimed tick
        // shows its lease), so the intended time kept in state is what's compared.
        if (summary.State.NextRunAt != next || await this.GetReminder(ReminderName) is null)
        {
            await Register(next, now);
        }
        return new DailySummarySchedule(next, summary.State.LastSentDate);
    }

    private async Task Register(DateTimeOffset dueAt, DateTimeOffset now)
    {
        await this.RegisterDueReminder(ReminderName, dueAt - now);
        await Save(dueAt);
    }

    private async Task Save(DateTimeOffset? nextRunAt)
    {
        if (summary.State.NextRunAt == nextRunAt && (summary.RecordExists || nextRunAt is null))
        {
            return;
        }
        summary.State = summary.State with { NextRunAt = nextRunAt };
        await summary.WriteStateAsync();
    }
}
