using Granary.Grains.Orders;

namespace Granary.Grains.Stats;

/// <summary>The stored figures of one organization.</summary>
[GenerateSerializer, Alias("granary.state.OrderStatsState")]
public sealed record OrderStatsState
{
    [Id(0)]
    public Dictionary<OrderStatus, int> ByStatus { get; init; } = [];

    [Id(1)]
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Orders created per local day (only the last few days are kept).</summary>
    [Id(2)]
    public Dictionary<DateOnly, int> CreatedPerDay { get; init; } = [];

    /// <summary>Totals of non-cancelled orders per local day of creation and currency ("2026-01-01|EUR").</summary>
    [Id(3)]
    public Dictionary<string, decimal> RevenuePerDay { get; init; } = [];

    /// <summary>Orders per local day of creation and current status ("2026-01-01|Pending"); absent in rows written before it existed.</summary>
    [Id(4)]
    public Dictionary<string, int> StatusPerDay { get; init; } = [];

    /// <summary>The last event ids seen, so a repeated Record changes nothing.</summary>
    [Id(5)]
    public List<string> RecentEventIds { get; init; } = [];
}

/// <summary>
/// Per-organization order figures, kept up to date by order grains. Every transition of every order of the
/// organization lands here, so writes are coalesced: <see cref="Record"/> interleaves, applies its transition to the
/// state at once and completes when a write that includes it is stored; while one write is in flight the transitions
/// arriving meanwhile wait for the next, which stores them all. One organization is then not capped at one
/// transition per storage round trip.
/// </summary>
[GrainType("orderstats")]
public sealed class OrderStatsGrain([PersistentState("stats")] IPersistentState<OrderStatsState> stats, TimeProvider time) : Grain, IOrderStatsGrain
{
    /// <summary>Days before today whose figures are kept (the daily summary reads yesterday's; a week leaves room for late ticks).</summary>
    private const int DaysKept = 7;

    /// <summary>
    /// Event ids remembered for the repeat check. Few: a repeat follows its first within moments, and the state is
    /// written with every few transitions, so it stays small (under PostgreSQL's 2 kB, above which each write of it
    /// would be compressed and stored out of line).
    /// </summary>
    private const int EventIdsKept = 32;

    private readonly CoalescedWrites _writes = new(stats.WriteStateAsync);

    /// <summary>The stored RecentEventIds as a set, for the repeat check.</summary>
    private HashSet<string>? _recent;

    /// <summary>The day the kept-days window was last applied for.</summary>
    private DateOnly _prunedFor;

    public Task Record(OrderTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        _writes.ThrowIfFailed();
        // A repeat is done once the write carrying its first recording is stored.
        return Apply(transition) ? _writes.Changed() : _writes.Unchanged();
    }

    /// <summary>
    /// Applies a transition to the in-memory state, in place (every order of the organization passes here, so nothing
    /// is copied per transition; a failed write deactivates the activation, and its state goes with it); false when
    /// its event was recorded before.
    /// </summary>
    private bool Apply(OrderTransition transition)
    {
        var state = stats.State;
        _recent ??= new HashSet<string>(state.RecentEventIds, StringComparer.Ordinal);
        if (!_recent.Add(transition.EventId))
        {
            return false;
        }
        state.RecentEventIds.Add(transition.EventId);
        if (state.RecentEventIds.Count > EventIdsKept)
        {
            _recent.Remove(state.RecentEventIds[0]);
            state.RecentEventIds.RemoveAt(0);
        }

        var zone = Zone(transition.TimeZone);
        var createdDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(transition.CreatedAt, zone).DateTime);
        var byStatus = state.ByStatus;
        var revenue = state.RevenuePerDay;
        var revenueKey = $"{createdDay:yyyy-MM-dd}|{transition.Currency}";
        MoveDayStatus(state.StatusPerDay, createdDay, transition.From, transition.To);

        if (transition.From is { } from)
        {
            byStatus[from] = Math.Max(0, byStatus.GetValueOrDefault(from) - 1);
        }
        else
        {
            state.CreatedPerDay[createdDay] = state.CreatedPerDay.GetValueOrDefault(createdDay) + 1;
            revenue[revenueKey] = revenue.GetValueOrDefault(revenueKey) + transition.Total;
        }
        byStatus[transition.To] = byStatus.GetValueOrDefault(transition.To) + 1;
        if (transition.To == OrderStatus.Cancelled && revenue.ContainsKey(revenueKey))
        {
            revenue[revenueKey] -= transition.Total;
        }

        var today = Today(zone);
        if (today != _prunedFor)
        {
            // Days leave the kept window only when the day changes.
            foreach (var day in state.CreatedPerDay.Keys.Where(d => d < today.AddDays(-DaysKept)).ToList())
            {
                state.CreatedPerDay.Remove(day);
            }
            DropOldDays(revenue, today);
            DropOldDays(state.StatusPerDay, today);
            _prunedFor = today;
        }
        if (state.TimeZone != zone.Id)
        {
            stats.State = state with { TimeZone = zone.Id };
        }
        return true;
    }

    public Task<OrderStats> Get()
    {
        var state = stats.State;
        var zone = Zone(state.TimeZone);
        var today = Today(zone);
        var prefix = $"{today:yyyy-MM-dd}|";
        var byStatus = Enum.GetValues<OrderStatus>().ToDictionary(s => s.ToString().ToLowerInvariant(), s => state.ByStatus.GetValueOrDefault(s));
        var revenue = state.RevenuePerDay.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(r => r.Key[prefix.Length..], r => r.Value);
        return Task.FromResult(new OrderStats(byStatus, today, zone.Id, state.CreatedPerDay.GetValueOrDefault(today), revenue));
    }

    public Task<DayOrderStats> GetDay(DateOnly day)
    {
        var state = stats.State;
        var zone = Zone(state.TimeZone);
        if (day < Today(zone).AddDays(-DaysKept))
        {
            return Task.FromResult(new DayOrderStats(day, zone.Id, 0, new Dictionary<string, int>(), new Dictionary<string, decimal>()));
        }
        var prefix = $"{day:yyyy-MM-dd}|";
        var byStatus = Enum.GetValues<OrderStatus>()
            .Select(s => (Name: s.ToString().ToLowerInvariant(), Count: state.StatusPerDay.GetValueOrDefault(prefix + s)))
            .Where(s => s.Count > 0)
            .ToDictionary(s => s.Name, s => s.Count);
        var revenue = state.RevenuePerDay.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(r => r.Key[prefix.Length..], r => r.Value);
        return Task.FromResult(new DayOrderStats(day, zone.Id, state.CreatedPerDay.GetValueOrDefault(day), byStatus, revenue));
    }

    /// <summary>
    /// Moves one order of <paramref name="day"/> from its old status to the new one. A transition of an order that
    /// isn't counted under its old status (created before this was kept) changes nothing, so counts never go wrong.
    /// </summary>
    private static void MoveDayStatus(Dictionary<string, int> statusPerDay, DateOnly day, OrderStatus? from, OrderStatus to)
    {
        if (from is { } old)
        {
            var oldKey = $"{day:yyyy-MM-dd}|{old}";
            if (statusPerDay.GetValueOrDefault(oldKey) <= 0)
            {
                return;
            }
            if (--statusPerDay[oldKey] == 0)
            {
                statusPerDay.Remove(oldKey);
            }
        }
        var newKey = $"{day:yyyy-MM-dd}|{to}";
        statusPerDay[newKey] = statusPerDay.GetValueOrDefault(newKey) + 1;
    }

    /// <summary>Removes entries keyed "yyyy-MM-dd|…" older than the kept days.</summary>
    private static void DropOldDays<T>(Dictionary<string, T> perDay, DateOnly today)
    {
        foreach (var key in perDay.Keys.Where(k => DateOnly.ParseExact(k[..10], "yyyy-MM-dd") < today.AddDays(-DaysKept)).ToList())
        {
            perDay.Remove(key);
        }
    }

    private DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    private static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
