using System.Net.Mail;
using Granary.Grains.Orders;
using Granary.WebApi.Http;
using Granary.WebApi.Inventory;

namespace Granary.WebApi.Orders;

/// <summary>Body of <c>POST …/orders</c>.</summary>
internal sealed record CreateOrderRequest(
    IReadOnlyList<OrderLineDto>? Lines,
    string? Currency,
    CustomerDto? Customer,
    AddressDto? ShippingAddress,
    string? Channel,
    string? ExternalId) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Lines is null || Lines.Count == 0)
        {
            errors.Add("lines", "lines must hold at least one line.");
        }
        else if (Lines.Count > 500)
        {
            errors.Add("lines", "lines holds at most 500 lines.");
        }
        for (var i = 0; Lines is not null && i < Lines.Count; i++)
        {
            var line = Lines[i];
            if (line is null)
            {
                errors.Add($"lines[{i}]", "A line is required.");
                continue;
            }
            if (line.Sku is null || !Sku.IsValid(line.Sku))
            {
                errors.Add($"lines[{i}].sku", "sku must be 1 to 64 letters, digits, '.', '_' or '-'.");
            }
            if (line.Quantity is null or <= 0 or > 1_000_000)
            {
                errors.Add($"lines[{i}].quantity", "quantity must be between 1 and 1000000.");
            }
            if (line.UnitPrice is null or < 0 or > 1_000_000_000m)
            {
                errors.Add($"lines[{i}].unitPrice", "unitPrice must be 0 or more.");
            }
        }
        if (Currency is null || Currency.Length != 3 || !Currency.All(char.IsAsciiLetter))
        {
            errors.Add("currency", "currency must be a 3-letter ISO 4217 code.");
        }
        if (Customer is null)
        {
            errors.Add("customer", "customer is required.");
        }
        else
        {
            if (Customer.Email is null || Customer.Email.Length > 254 || !MailAddress.TryCreate(Customer.Email, out var parsed) || parsed.Address != Customer.Email.Trim())
            {
                errors.Add("customer.email", "customer.email must be an email address.");
            }
            if (Customer.Name is { Length: > 200 })
            {
                errors.Add("customer.name", "customer.name must be at most 200 characters.");
            }
        }
        if (ShippingAddress is null)
        {
            errors.Add("shippingAddress", "shippingAddress is required.");
        }
        else
        {
            errors.Required("shippingAddress.line1", ShippingAddress.Line1);
            errors.Required("shippingAddress.city", ShippingAddress.City);
            errors.Required("shippingAddress.postalCode", ShippingAddress.PostalCode, 20);
            if (ShippingAddress.Country is null || ShippingAddress.Country.Length != 2 || !ShippingAddress.Country.All(char.IsAsciiLetter))
            {
                errors.Add("shippingAddress.country", "shippingAddress.country must be a 2-letter ISO 3166 code.");
            }
        }
        if (Channel is { Length: > 100 })
        {
            errors.Add("channel", "channel must be at most 100 characters.");
        }
        if (ExternalId is { Length: > 200 })
        {
            errors.Add("externalId", "externalId must be at most 200 characters.");
        }
    }

    public CreateOrder ToCommand() => new(
        [.. Lines!.Select(l => new OrderLine(l.Sku!, l.Quantity!.Value, l.UnitPrice!.Value))],
        Currency!.ToUpperInvariant(),
        new Customer(Customer!.Email!.Trim(), Customer.Name),
        new Address(ShippingAddress!.Line1!, ShippingAddress.Line2, ShippingAddress.City!, ShippingAddress.Region, ShippingAddress.PostalCode!, ShippingAddress.Country!.ToUpperInvariant()),
        Channel,
        ExternalId);
}

internal sealed record OrderLineDto(string? Sku, int? Quantity, decimal? UnitPrice);

internal sealed record CustomerDto(string? Email, string? Name);

internal sealed record AddressDto(string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>Body of <c>POST …/orders/{id}/ship</c>.</summary>
internal sealed record ShipOrderRequest(string? TrackingNumber) : IValidatableRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("trackingNumber", TrackingNumber, 100);
}

/// <summary>An order on the wire: money as decimal with its ISO currency, times UTC ISO-8601, status in lower case.</summary>
internal sealed record OrderResponse(
    string Id,
    string Status,
    IReadOnlyList<OrderLineResponse> Lines,
    string Currency,
    decimal Total,
    CustomerResponse Customer,
    AddressResponse ShippingAddress,
    string? Channel,
    string? ExternalId,
    string? TrackingNumber,
    string? CancelReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrderResponse From(OrderSnapshot order) => new(
        order.Id,
        StatusNames.Of(order.Status),
        [.. order.Lines.Select(l => new OrderLineResponse(l.Sku, l.Quantity, l.UnitPrice))],
        order.Currency,
        order.Total,
        new CustomerResponse(order.Customer.Email, order.Customer.Name),
        new AddressResponse(order.ShippingAddress.Line1, order.ShippingAddress.Line2, order.ShippingAddress.City, order.ShippingAddress.Region, order.ShippingAddress.PostalCode, order.ShippingAddress.Country),
        order.Channel,
        order.ExternalId,
        order.TrackingNumber,
        order.CancelReason,
        order.CreatedAt.ToUniversalTime(),
        order.UpdatedAt.ToUniversalTime());
}

internal sealed record OrderLineResponse(string Sku, int Quantity, decimal UnitPrice);

internal sealed record CustomerResponse(string Email, string? Name);

internal sealed record AddressResponse(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

/// <summary>A page of orders, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next one.</summary>
internal sealed record OrderPageResponse(IReadOnlyList<OrderResponse> Items, string? NextCursor);
