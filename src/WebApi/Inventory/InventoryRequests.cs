using System.Text.RegularExpressions;
using Granary.Grains.Inventory;
using Granary.WebApi.Http;

namespace Granary.WebApi.Inventory;

/// <summary>Body of <c>PUT …/inventory/{sku}</c>.</summary>
internal sealed record SetOnHandRequest(int? OnHand) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (OnHand is null)
        {
            errors.Add("onHand", "onHand is required.");
        }
        else if (OnHand < 0)
        {
            errors.Add("onHand", "onHand must be 0 or more.");
        }
    }
}

/// <summary>Body of <c>POST …/inventory/{sku}/adjust</c>.</summary>
internal sealed record AdjustStockRequest(int? Delta, string? Reason) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Delta is null or 0)
        {
            errors.Add("delta", "delta is required and must not be 0.");
        }
        errors.Required("reason", Reason);
    }
}

/// <summary>One SKU's stock on the wire.</summary>
internal sealed record StockResponse(string Sku, int OnHand, int Reserved, int Available)
{
    public static StockResponse From(StockLevel level) => new(level.Sku, level.OnHand, level.Reserved, level.Available);
}

/// <summary>A page of stock levels; pass <see cref="NextCursor"/> as <c>cursor</c> for the next one.</summary>
internal sealed record StockPageResponse(IReadOnlyList<StockResponse> Items, string? NextCursor);

/// <summary>SKUs are path segments and part of grain keys: letters, digits, '.', '_' and '-', at most 64.</summary>
internal static partial class Sku
{
    public static bool IsValid(string sku) => Pattern().IsMatch(sku);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Pattern();
}
