using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.Testing.Smtp;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Emails;

/// <summary>
/// The emails the API's actions send, as a real SMTP server receives them: the silo's email jobs talk SMTP over a
/// socket to an <see cref="SmtpSink"/> on loopback (Granary:Email:Host/Port).
/// </summary>
public sealed class EmailApiTests : IAsyncLifetime
{
    private readonly SmtpSink _sink = new();

    private Dictionary<string, string> EmailSettings() => new()
    {
        ["Granary:Email:Host"] = _sink.Host,
        ["Granary:Email:Port"] = _sink.Port.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Register_SendsAWelcomeEmailToTheNewAddress_NamingTheUserInSubjectAndBothBodies()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite, EmailSettings());
        var email = ApiSteps.UniqueEmail("welcome");
        const string name = "Zoë Ångström & Co";

        var registered = await factory.CreateClient().PostAsJsonAsync("/auth/register", new { email, password = ApiSteps.Password, name });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        var welcome = await _sink.WaitForAsync($"welcome email to {email}", m => m.Recipients.Contains(email));
        Assert.Equal([email], welcome.Recipients);
        Assert.Equal($"Welcome to Granary, {name}", welcome.Subject);
        Assert.Equal(email, ParseAddress(welcome.Header("To")));
        Assert.Contains($"Hello {name},", welcome.TextBody);
        Assert.Contains($"Hello {name},", welcome.HtmlText());
        Assert.DoesNotContain("{{", welcome.TextBody + welcome.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmThenShip_EmailTheCustomer_TheOrderAndTotal_ThenTheTrackingNumber()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite, EmailSettings());
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var customer = ApiSteps.UniqueEmail("customer");
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-2", new { onHand = 10 })).StatusCode);

        var orderId = await CreateOrderAsync(owner, orgId, customer);
        await MoveAsync(owner, $"/api/v1/orgs/{orgId}/orders/{orderId}/confirm", null, "confirmed");

        var confirmation = await _sink.WaitForAsync($"confirmation of order {orderId} to {customer}",
            m => m.Recipients.Contains(customer) && m.Subject?.Contains("confirmed", StringComparison.Ordinal) == true);
        Assert.Equal([customer], confirmation.Recipients);
        Assert.Equal($"Order {orderId} is confirmed", confirmation.Subject);
        foreach (var body in new[] { confirmation.TextBody!, confirmation.HtmlText() })
        {
            Assert.Contains(orderId, body, StringComparison.Ordinal);
            Assert.Contains("Total: 41.50 EUR", body, StringComparison.Ordinal);
            Assert.Contains("2 × SKU-1 at 12.50 EUR", body, StringComparison.Ordinal);
            Assert.Contains("3 × SKU-2 at 5.50 EUR", body, StringComparison.Ordinal);
        }

        await MoveAsync(owner, $"/api/v1/orgs/{orgId}/orders/{orderId}/pack", null, "packed");
        var tracking = "TRK-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await MoveAsync(owner, $"/api/v1/orgs/{orgId}/orders/{orderId}/ship", new { trackingNumber = tracking }, "shipped");

        var shipped = await _sink.WaitForAsync($"shipping notice of order {orderId} to {customer}",
            m => m.Recipients.Contains(customer) && m.Subject?.Contains("shipped", StringComparison.Ordinal) == true);
        Assert.Equal([customer], shipped.Recipients);
        Assert.Equal($"Order {orderId} has shipped", shipped.Subject);
        Assert.Contains($"Tracking number: {tracking}", shipped.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Tracking number: {tracking}", shipped.HtmlText(), StringComparison.Ordinal);

        // Packing emails nobody; the customer got exactly these two.
        Assert.Equal([confirmation.Subject, shipped.Subject], _sink.Messages.Where(m => m.Recipients.Contains(customer)).Select(m => m.Subject));
    }

    private static async Task<string> CreateOrderAsync(ApiSession owner, string orgId, string customerEmail)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders")
        {
            Content = JsonContent.Create(new
            {
                lines = new[] { new { sku = "SKU-1", quantity = 2, unitPrice = 12.50m }, new { sku = "SKU-2", quantity = 3, unitPrice = 5.50m } },
                currency = "EUR",
                customer = new { email = customerEmail, name = "Bob Customer" },
                shippingAddress = new { line1 = "1 Main St", city = "Lyon", postalCode = "69001", country = "FR" },
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var created = await owner.Client.SendAsync(request);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"create order: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task MoveAsync(ApiSession owner, string path, object? body, string expectedStatus)
    {
        var moved = body is null ? await owner.Client.PostAsync(path, null) : await owner.Client.PostAsJsonAsync(path, body);
        Assert.True(moved.StatusCode == HttpStatusCode.OK, $"{path}: {(int)moved.StatusCode} {await moved.Content.ReadAsStringAsync()}");
        Assert.Equal(expectedStatus, (await moved.ReadAsync<JsonElement>()).GetProperty("status").GetString());
    }

    /// <summary>"Name &lt;a@b&gt;" or "a@b" → "a@b".</summary>
    private static string? ParseAddress(string? header) =>
        header is null ? null : new System.Net.Mail.MailAddress(header).Address;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sink.DisposeAsync();
}
