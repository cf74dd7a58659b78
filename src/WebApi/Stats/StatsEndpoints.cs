using Granary.Grains.Organizations;
using Granary.Grains.Stats;
using Granary.WebApi.Http;
using Granary.WebApi.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Stats;

/// <summary><c>GET /api/v1/orgs/{org}/stats</c>: the organization's order figures, kept by its stats grain.</summary>
internal static class StatsEndpoints
{
    public static void MapStats(IEndpointRouteBuilder app)
    {
        var stats = app.MapOrganizationGroup("/{org}/stats", "Stats");
        stats.MapGet("/", Get).RequireRole(OrgRole.Viewer).WithName("GetStats").WithSummary("Orders by status, today's count and revenue (organization's time zone).");
    }

    public static async Task<Ok<StatsResponse>> Get(string org, IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IOrderStatsGrain>(org).Get();
        return TypedResults.Ok(new StatsResponse(stats.ByStatus, new TodayResponse(stats.Date, stats.TimeZone, stats.TodayOrders,
            [.. stats.TodayRevenue.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new MoneyResponse(r.Value, r.Key))])));
    }
}

/// <summary>Counts per status (lower-case names) and today's figures.</summary>
internal sealed record StatsResponse(IReadOnlyDictionary<string, int> OrdersByStatus, TodayResponse Today);

/// <param name="Revenue">Totals of today's orders that are not cancelled, one entry per currency.</param>
internal sealed record TodayResponse(DateOnly Date, string TimeZone, int Orders, IReadOnlyList<MoneyResponse> Revenue);

internal sealed record MoneyResponse(decimal Amount, string Currency);
