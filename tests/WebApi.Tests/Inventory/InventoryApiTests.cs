using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Inventory;

public sealed class InventoryApiTests
{
    [Fact]
    public async Task SetAdjustGet_KeepStockNonNegative_ViewersOnlyRead()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var viewer = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        await owner.AddMemberAsync(orgId, viewer, "viewer");

        var set = await (await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 5 })).ReadAsync<JsonElement>();
        Assert.Equal(5, set.GetProperty("available").GetInt32());
        var adjusted = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1/adjust", new { delta = -2, reason = "damaged" });
        Assert.Equal(3, (await adjusted.ReadAsync<JsonElement>()).GetProperty("onHand").GetInt32());

        var negative = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1/adjust", new { delta = -4, reason = "oops" });
        Assert.Equal(3, (await negative.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("onHand").GetInt32());
        var badSku = await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/bad%20sku", new { onHand = 1 });
        Assert.True((await badSku.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("sku", out _));

        Assert.Equal(HttpStatusCode.OK, (await viewer.Client.GetAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1")).StatusCode);
        await (await viewer.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 9 })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var list = await (await viewer.Client.GetAsync($"/api/v1/orgs/{orgId}/inventory")).ReadAsync<JsonElement>();
        Assert.Equal(3, list.GetProperty("items")[0].GetProperty("onHand").GetInt32());
    }
}
