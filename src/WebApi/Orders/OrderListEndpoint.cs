using Granary.Grains.Orders;
using Granary.ReadModel;
using Granary.WebApi.Http;
using Granary.WebApi.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Orders;

/// <summary><c>GET …/orders</c>: read from the read model (see <see cref="IListQueries"/>), newest first, keyset cursor.</summary>
internal static class OrderListEndpoint
{
    public static async Task<Results<Ok<OrderPageResponse>, ValidationProblem, ProblemHttpResult>> List(
        string org, string? status, string? channel, DateTimeOffset? createdFrom, DateTimeOffset? createdTo, string? customerEmail,
        string? cursor, int? limit, HttpContext context, CancellationToken cancellationToken)
    {
        OrderStatus? parsedStatus = null;
        if (status is not null)
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var value) || !Enum.IsDefined(value) || int.TryParse(status, out _))
            {
                return ApiProblems.Invalid("status", $"status must be one of {string.Join(", ", Enum.GetNames<OrderStatus>().Select(n => n.ToLowerInvariant()))}.");
            }
            parsedStatus = value;
        }
        if (!Cursors.TryDecodeList(cursor, out var after))
        {
            return ApiProblems.Invalid("cursor", "cursor is not a cursor this API returned.");
        }
        if (limit is < 1 or > 200)
        {
            return ApiProblems.Invalid("limit", "limit must be between 1 and 200.");
        }
        var queries = context.RequestServices.GetRequiredService<IListQueries>();
        if (!queries.Supported)
        {
            return ListProblems.NeedsSql();
        }
        var query = new OrderListQuery(org, parsedStatus, channel, createdFrom, createdTo, customerEmail?.Trim().ToLowerInvariant(), after, limit ?? 50);
        var page = await queries.ListOrdersAsync(query, cancellationToken);
        var next = page.Next is { } nextPage ? Cursors.Encode(nextPage) : null;
        return TypedResults.Ok(new OrderPageResponse([.. page.Items.Select(OrderResponse.From)], next));
    }
}
