using Granary.Grains.Inventory;
using Granary.Grains.Organizations;
using Granary.ReadModel;
using Granary.WebApi.Http;
using Granary.WebApi.Organizations;
using Granary.WebApi.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Inventory;

/// <summary>
/// <c>/api/v1/orgs/{org}/inventory</c>: one grain per SKU for reads and writes, the list from SQL. A SKU never set
/// reads as all zeros. A change that would leave stock negative is a 409.
/// </summary>
internal static class InventoryEndpoints
{
    public static void MapInventory(IEndpointRouteBuilder app)
    {
        var inventory = app.MapOrganizationGroup("/{org}/inventory", "Inventory");
        inventory.MapGet("/", List).RequireRole(OrgRole.Viewer).WithName("ListInventory").WithSummary("Stock levels by SKU (cursor pagination).")
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        inventory.MapGet("/{sku}", Get).RequireRole(OrgRole.Viewer).WithName("GetStock").WithSummary("One SKU's stock.");
        inventory.MapPut("/{sku}", SetOnHand).RequireRole(OrgRole.Member).Validate<SetOnHandRequest>().WithName("SetOnHand")
            .WithSummary("Sets the units on hand (member).").ProducesProblem(StatusCodes.Status409Conflict);
        inventory.MapPost("/{sku}/adjust", Adjust).RequireRole(OrgRole.Member).Validate<AdjustStockRequest>().WithName("AdjustStock")
            .WithSummary("Adds or removes units on hand (member).").ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<StockPageResponse>, ValidationProblem, ProblemHttpResult>> List(
        string org, string? cursor, int? limit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Cursors.TryDecode(cursor, out var after))
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
        var page = await queries.ListInventoryAsync(org, after.Length > 0 ? after : null, limit ?? 50, cancellationToken);
        var next = page.More ? Cursors.Encode(page.Items[^1].Sku) : null;
        return TypedResults.Ok(new StockPageResponse([.. page.Items.Select(StockResponse.From)], next));
    }

    public static async Task<Results<Ok<StockResponse>, ValidationProblem>> Get(string org, string sku, IGrainFactory grains)
    {
        if (!Sku.IsValid(sku))
        {
            return InvalidSku();
        }
        return TypedResults.Ok(StockResponse.From(await Stock(grains, org, sku).Get()));
    }

    public static Task<Results<Ok<StockResponse>, ValidationProblem, ProblemHttpResult>> SetOnHand(
        string org, string sku, SetOnHandRequest request, IGrainFactory grains) =>
        Change(org, sku, grains, stock => stock.SetOnHand(request.OnHand!.Value));

    public static Task<Results<Ok<StockResponse>, ValidationProblem, ProblemHttpResult>> Adjust(
        string org, string sku, AdjustStockRequest request, IGrainFactory grains) =>
        Change(org, sku, grains, stock => stock.Adjust(request.Delta!.Value, request.Reason!));

    private static async Task<Results<Ok<StockResponse>, ValidationProblem, ProblemHttpResult>> Change(
        string org, string sku, IGrainFactory grains, Func<IInventoryGrain, Task<StockLevel>> change)
    {
        if (!Sku.IsValid(sku))
        {
            return InvalidSku();
        }
        var stock = Stock(grains, org, sku);
        try
        {
            return TypedResults.Ok(StockResponse.From(await change(stock)));
        }
        catch (StockException error)
        {
            var current = await stock.Get();
            return ApiProblems.Conflict("Stock can't go negative.", error.Message, new Dictionary<string, object?>
            {
                ["onHand"] = current.OnHand,
                ["reserved"] = current.Reserved,
                ["available"] = current.Available,
            });
        }
    }

    private static IInventoryGrain Stock(IGrainFactory grains, string org, string sku) => grains.GetGrain<IInventoryGrain>(InventoryKey.For(org, sku));

    private static ValidationProblem InvalidSku() => ApiProblems.Invalid("sku", "sku must be 1 to 64 letters, digits, '.', '_' or '-'.");
}
