using Granary.Grains.Orders;

namespace Granary.Grains.Stats;

/// <summary>The stored figures of one organization.</summary>
public sealed record OrderStatsState
{
    public Dictionary<OrderStatus, int> ByStatus { get; init; } = [];

    public string TimeZone { get; init; } = "UTC";

    /// <summary>Orders created per local day (only the last few days are kept).</summary>
    public Dictionary<DateOnly, int> CreatedPerDay { get; init; } = [];

    /// <summary>Totals of non-cancelled orders per local day of creation and currency ("2026-01-01|EUR").</summary>
    public Dictionary<string, decimal> RevenuePerDay { get; init; } = [];

    /// <summary>The last event ids seen, so a repeated Record changes nothing.</summary>
    public List<string> RecentEventIds { get; init; } = [];
}

/// <summary>Per-organization order figures, kept up to date by order grains.</summary>
public sealed class OrderStatsGrain([PersistentState("stats")] IPersistentState<OrderStatsState> stats) : Grain, IOrderStatsGrain
{
    private const int DaysKept = 3;
    private const int EventIdsKept = 200;

    public async Task Record(OrderTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var state = stats.State;
        if (state.RecentEventIds.Contains(transition.EventId))
        {
            return;
        }
        var zone = Zone(transition.TimeZone);
        var createdDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(transition.CreatedAt, zone).DateTime);
        var byStatus = new Dictionary<OrderStatus, int>(state.ByStatus);
        var perDay = new Dictionary<DateOnly, int>(state.CreatedPerDay);
        var revenue = new Dictionary<string, decimal>(state.RevenuePerDay);
        var revenueKey = $"{createdDay:yyyy-MM-dd}|{transition.Currency}";

        if (transition.From is { } from)
        {
            byStatus[from] = Math.Max(0, byStatus.GetValueOrDefault(from) - 1);
        }
        else
        {
            perDay[createdDay] = perDay.GetValueOrDefault(createdDay) + 1;
            revenue[revenueKey] = revenue.GetValueOrDefault(revenueKey) + transition.Total;
        }
        byStatus[transition.To] = byStatus.GetValueOrDefault(transition.To) + 1;
        if (transition.To == OrderStatus.Cancelled && revenue.ContainsKey(revenueKey))
        {
            revenue[revenueKey] -= transition.Total;
        }

        var today = Today(zone);
        foreach (var day in perDay.Keys.Where(d => d < today.AddDays(-DaysKept)).ToList())
        {
            perDay.Remove(day);
        }
        foreach (var key in revenue.Keys.Where(k => DateOnly.ParseExact(k[..10], "yyyy-MM-dd") < today.AddDays(-DaysKept)).ToList())
        {
            revenue.Remove(key);
        }
        stats.State = new OrderStatsState
        {
            ByStatus = byStatus,
            TimeZone = zone.Id,
            CreatedPerDay = perDay,
            RevenuePerDay = revenue,
            RecentEventIds = [.. state.RecentEventIds.Append(transition.EventId).TakeLast(EventIdsKept)],
        };
        await stats.WriteStateAsync();
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

    private DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.GetUtcNow(), zone).DateTime);

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
