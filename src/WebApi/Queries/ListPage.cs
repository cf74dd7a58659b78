namespace Granary.WebApi.Queries;

/// <summary>
/// The one shape of every list the API answers: <c>{"items": [...], "nextCursor": "…" | null}</c>. Lists read from SQL
/// page with <c>cursor</c> and <c>limit</c>; the lists a grain holds whole (members, API keys, webhook endpoints,
/// channels, the caller's organizations) are bounded by their own limits and come in one page, nextCursor null.
/// </summary>
internal sealed record ListPage<T>(IReadOnlyList<T> Items, string? NextCursor);

internal static class ListPage
{
    /// <summary>A bounded list in one page.</summary>
    public static ListPage<T> Whole<T>(IEnumerable<T> items) => new([.. items], null);
}
