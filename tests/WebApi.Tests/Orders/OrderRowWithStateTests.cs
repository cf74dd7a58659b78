using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Orders;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Orders;

/// <summary>
/// On PostgreSQL an order's state and its list row are one commit: when the row can't be written, the order isn't
/// stored either, so the failed request left nothing behind and its retry creates the order afresh.
/// </summary>
public sealed class OrderRowWithStateTests
{
    // Refuses the list row of one customer's orders as a full disk would (SQLSTATE 53100: the API answers 503).
    private const string RefuseRows = """
        CREATE FUNCTION refuse_order_row() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN IF NEW.customer_email = ''refused@example.com'' THEN RAISE EXCEPTION ''row refused (test)'' USING ERRCODE = ''disk_full''; END IF; RETURN NEW; END';
        CREATE TRIGGER refuse_order_row BEFORE INSERT OR UPDATE ON granary_order_list FOR EACH ROW EXECUTE FUNCTION refuse_order_row();
        """;

    [Fact]
    public async Task AnOrderWhoseRowCantBeWritten_IsNotStored_AndItsRetryCreatesIt()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        using var factory = new ApiFactory(ApiStorage.Postgres, new Dictionary<string, string>
        {
            ["Granary:Storage:Postgres:ConnectionString"] = database.ConnectionString,
        });
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        await database.ExecuteAsync(RefuseRows);
        var key = Guid.NewGuid().ToString("N");

        var refused = await PostOrder(owner.Client, orgId, key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var listed = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders")).ReadAsync<JsonElement>();
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());

        await database.ExecuteAsync("DROP TRIGGER refuse_order_row ON granary_order_list");
        var retried = await PostOrder(owner.Client, orgId, key);

        // Created, not replayed: the refused attempt stored no order under that key.
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.False(retried.Headers.Contains(OrderEndpoints.ReplayedHeader));
        var id = (await retried.ReadAsync<JsonElement>()).GetProperty("id").GetString();
        listed = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders")).ReadAsync<JsonElement>();
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders/{id}")).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostOrder(HttpClient client, string orgId, string key)
    {
        var body = new
        {
            lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 5.00m } },
            currency = "EUR",
            customer = new { email = "refused@example.com", name = "Ada" },
            shippingAddress = new { line1 = "1 Main St", city = "Lyon", postalCode = "69001", country = "FR" },
            channel = "web",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add(OrderEndpoints.IdempotencyHeader, key);
        return await client.SendAsync(request);
    }
}
