using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Granary.Grains.Orders;
using Granary.Grains.Organizations;
using Granary.WebApi.Http;
using Granary.WebApi.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Granary.WebApi.Orders;

/// <summary>
/// <c>/api/v1/orgs/{org}/orders</c>. Creating needs an Idempotency-Key header: a retry with the same body gets the
/// first answer (201, same body, marked <c>Idempotent-Replayed: true</c>), the same key with another body a 422; a key
/// is remembered for as long as the order it created exists (<see cref="OrderKey.IdFor"/>). Moves the state machine doesn't allow are a
/// 409 whose <c>currentStatus</c> extension is the order's current status; a confirm short of stock is a 409 naming the SKU.
/// </summary>
internal static class OrderEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static void MapOrders(IEndpointRouteBuilder app)
    {
        var orders = app.MapOrganizationGroup("/{org}/orders", "Orders");
        orders.MapPost("/", Create).RequireRole(OrgRole.Member).Validate<CreateOrderRequest>().WithName("CreateOrder")
            .WithSummary("Creates a pending order (member); needs an Idempotency-Key header.")
            .WithMetadata(new RequiredHeader(IdempotencyHeader,
                "Names this creation (at most 200 characters): a retry with the same key and body gets the first answer, marked Idempotent-Replayed: true."))
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        orders.MapGet("/", OrderListEndpoint.List).RequireRole(OrgRole.Viewer).WithName("ListOrders")
            .WithSummary("Orders newest first, filtered by status, channel, creation time and customer email (cursor pagination).")
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        orders.MapGet("/{id}", Get).RequireRole(OrgRole.Viewer).WithName("GetOrder").WithSummary("One order.").Produces<OrderResponse>(StatusCodes.Status200OK, "application/json");
        orders.MapPost("/{id}/confirm", Confirm).RequireRole(OrgRole.Member).WithName("ConfirmOrder").WithSummary("Reserves stock for every line or none (member).").ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/pack", Pack).RequireRole(OrgRole.Member).WithName("PackOrder").WithSummary("Marks a confirmed order packed (member).").ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/ship", Ship).RequireRole(OrgRole.Member).Validate<ShipOrderRequest>().WithName("ShipOrder").WithSummary("Ships a packed order with a tracking number (member).").ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/deliver", Deliver).RequireRole(OrgRole.Member).WithName("DeliverOrder").WithSummary("Marks a shipped order delivered (member).").ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/cancel", Cancel).RequireRole(OrgRole.Member).WithName("CancelOrder").WithSummary("Cancels a pending or confirmed order and releases its stock (member).").ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> Create(
        string org, CreateOrderRequest request, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, IGrainFactory grains,
        HttpResponse response)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 200)
        {
            return ApiProblems.Invalid(IdempotencyHeader, $"The {IdempotencyHeader} header is required (at most 200 characters).");
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request))));
        var result = await Order(grains, org, OrderKey.IdFor(org, idempotencyKey)).Create(hash, request.ToCommand());
        if (result.Order is not { } order)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: $"This {IdempotencyHeader} was used with a different request body.",
                detail: "Use a new key for a new order; retry with the very same body to get the first answer.");
        }
        if (result.Outcome == IdempotentOutcome.Replayed)
        {
            response.Headers[ReplayedHeader] = "true";
        }
        return TypedResults.Created($"/api/v1/orgs/{org}/orders/{order.Id}", OrderResponse.From(order));
    }

    public static async Task<Results<RenderedJsonResult, ProblemHttpResult>> Get(string org, string id, IGrainFactory grains)
    {
        return await Order(grains, org, id).Get() is { } order
            ? new RenderedJsonResult(RenderedOrders.Body(order))
            : ApiProblems.NotFound("The order");
    }

    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Confirm(string org, string id, IGrainFactory grains) =>
        Move(org, id, grains, order => order.Confirm());

    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Pack(string org, string id, IGrainFactory grains) =>
        Move(org, id, grains, order => order.Pack());

    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Ship(string org, string id, ShipOrderRequest request, IGrainFactory grains) =>
        Move(org, id, grains, order => order.Ship(request.TrackingNumber!.Trim()));

    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Deliver(string org, string id, IGrainFactory grains) =>
        Move(org, id, grains, order => order.Deliver());

    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Cancel(string org, string id, IGrainFactory grains) =>
        Move(org, id, grains, order => order.Cancel("cancelled through the API"));

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Move(
        string org, string id, IGrainFactory grains, Func<IOrderGrain, Task<OrderSnapshot>> move)
    {
        var order = Order(grains, org, id);
        try
        {
            return TypedResults.Ok(OrderResponse.From(await move(order)));
        }
        catch (OrderNotFoundException)
        {
            return ApiProblems.NotFound("The order");
        }
        catch (OrderTransitionException error)
        {
            var current = await order.Get();
            return ApiProblems.Conflict("The order can't make this move from its current status.", error.Message,
                new Dictionary<string, object?> { ["currentStatus"] = current is null ? null : StatusNames.Of(current.Status) });
        }
        catch (InsufficientStockException error)
        {
            return ApiProblems.Conflict("Not enough stock to confirm the order; nothing was reserved.", error.Message,
                new Dictionary<string, object?> { ["sku"] = error.Sku, ["currentStatus"] = "pending" });
        }
    }

    private static IOrderGrain Order(IGrainFactory grains, string org, string id) => grains.GetGrain<IOrderGrain>(OrderKey.For(org, id));
}
