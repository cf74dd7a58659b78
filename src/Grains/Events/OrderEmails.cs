using System.Globalization;
using Granary.Grains.Emails;
using Granary.Grains.Orders;

namespace Granary.Grains.Events;

/// <summary>Which order events email the customer: order.confirmed (confirmation) and order.shipped (tracking number).</summary>
public static class OrderEmails
{
    /// <summary>The email job an event asks for, with its stable job id, or null.</summary>
    public static (string JobId, EmailRequest Request)? For(OrderEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var order = change.Order;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["customerName"] = string.IsNullOrWhiteSpace(order.Customer.Name) ? order.Customer.Email : order.Customer.Name,
            ["orderId"] = order.Id,
            ["total"] = order.Total.ToString("0.00", CultureInfo.InvariantCulture),
            ["currency"] = order.Currency,
            ["lines"] = string.Join("\n", order.Lines.Select(l =>
                $"{l.Quantity} × {l.Sku} at {l.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture)} {order.Currency}")),
        };
        EmailTemplate template;
        switch (change.Type)
        {
            case "order.confirmed":
                template = EmailTemplate.OrderConfirmation;
                break;
            case "order.shipped":
                template = EmailTemplate.OrderShipped;
                values["trackingNumber"] = order.TrackingNumber ?? "";
                break;
            default:
                return null;
        }
        return ($"{change.Id}-customer", new EmailRequest(order.OrganizationId, template, order.Customer.Email, values));
    }
}
