using System.Globalization;

namespace Granary.Grains.Scheduling;

/// <summary>
/// What one organization's daily summary says about one local day: the orders created that day, by their current
/// status, and their revenue per currency (cancelled orders left out).
/// </summary>
public sealed record DailySummary(
    string OrganizationId,
    string OrganizationName,
    DateOnly Date,
    string TimeZone,
    int OrderCount,
    IReadOnlyDictionary<string, int> OrdersByStatus,
    IReadOnlyDictionary<string, decimal> Revenue)
{
    /// <summary>"pending 3, confirmed 2", statuses in the order the stats list them; "none" without orders.</summary>
    public string OrdersByStatusText => OrdersByStatus.Count == 0
        ? "none"
        : string.Join(", ", OrdersByStatus.Where(s => s.Value > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value}")));

    /// <summary>"123.45 EUR; 10.00 USD" (currencies in alphabetical order); "none" without revenue.</summary>
    public string RevenueText => Revenue.Count == 0
        ? "none"
        : string.Join("; ", Revenue.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value:0.00} {r.Key}")));

    /// <summary>The values of the <c>DailySummary</c> email template.</summary>
    public IReadOnlyDictionary<string, string> TemplateValues() => new Dictionary<string, string>
    {
        ["organizationName"] = OrganizationName,
        ["date"] = Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["ordersByStatus"] = OrdersByStatusText,
        ["orderCount"] = OrderCount.ToString(CultureInfo.InvariantCulture),
        ["revenue"] = RevenueText,
    };
}
