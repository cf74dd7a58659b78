using Granary.ReadModel;
using Granary.WebApi.Http;
using Granary.WebApi.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Jobs;

/// <summary>The cursor and limit rules of the job lists (deliveries, dead letters), as the order list has them.</summary>
internal static class JobPaging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>A 400 naming cursor or limit, or null with the decoded cursor.</summary>
    public static ValidationProblem? Problem(string? cursor, int? limit, out ListCursor? after)
    {
        if (!Cursors.TryDecodeList(cursor, out after))
        {
            return ApiProblems.Invalid("cursor", "cursor is not a cursor this API returned.");
        }
        return limit is < 1 or > MaxLimit ? ApiProblems.Invalid("limit", $"limit must be between 1 and {MaxLimit}.") : null;
    }

    public static string? Next<T>(CursorPage<T> page) => page.Next is { } next ? Cursors.Encode(next) : null;
}
