using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Organizations;

public sealed class OrganizationApiTests
{
    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task CreateGetAndUpdateSettings_RoundTrips(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var slug = ApiSteps.UniqueSlug();
        var created = await owner.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Acme", slug });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var orgId = (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;

        var org = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}")).ReadAsync<JsonElement>();
        Assert.Equal(slug, org.GetProperty("slug").GetString());
        Assert.Equal(60, org.GetProperty("settings").GetProperty("autoCancelMinutes").GetInt32());

        var patched = await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/settings", new { autoCancelMinutes = 30, timeZone = "Europe/Paris" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var settings = (await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}")).ReadAsync<JsonElement>()).GetProperty("settings");
        Assert.Equal(30, settings.GetProperty("autoCancelMinutes").GetInt32());
        Assert.Equal("Europe/Paris", settings.GetProperty("timeZone").GetString());
        Assert.True(settings.GetProperty("dailySummary").GetBoolean());

        var duplicate = await owner.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Other", slug });
        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task UpdateSettings_BadTimeZone_Is400NamingTimeZone()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var response = await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/settings", new { timeZone = "Mars/Olympus" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("timeZone", out _));
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Members_AddChangeRemove_KeepsTheLastOwner(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var other = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var members = $"/api/v1/orgs/{orgId}/members";

        // The last owner can neither be demoted nor leave.
        await (await owner.Client.PatchAsJsonAsync($"{members}/{owner.UserId}", new { role = "admin" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await owner.Client.DeleteAsync($"{members}/{owner.UserId}")).AssertProblemAsync(HttpStatusCode.Conflict);

        await owner.AddMemberAsync(orgId, other, "member");
        await (await owner.Client.PostAsJsonAsync(members, new { email = other.Email, role = "viewer" })).AssertProblemAsync(HttpStatusCode.Conflict);
        var unknown = await owner.Client.PostAsJsonAsync(members, new { email = ApiSteps.UniqueEmail(), role = "viewer" });
        await unknown.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        var list = await (await owner.Client.GetAsync(members)).ReadAsync<JsonElement>();
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("nextCursor").ValueKind);

        // With a second owner, the first may step down.
        var promoted = await owner.Client.PatchAsJsonAsync($"{members}/{other.UserId}", new { role = "owner" });
        Assert.Equal("owner", (await promoted.ReadAsync<JsonElement>()).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync($"{members}/{owner.UserId}", new { role = "admin" })).StatusCode);

        // An admin can't remove an owner; the owner leaving alone is the last owner again.
        await (await owner.Client.DeleteAsync($"{members}/{other.UserId}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await other.Client.DeleteAsync($"{members}/{other.UserId}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await other.Client.DeleteAsync($"{members}/{owner.UserId}")).StatusCode);
        await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var me = await (await owner.Client.GetAsync("/auth/me")).ReadAsync<JsonElement>();
        Assert.Equal(0, me.GetProperty("organizations").GetArrayLength());
    }

    [Fact]
    public async Task Members_AdminCannotGrantOwner()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var admin = await factory.RegisterAndLoginAsync();
        var third = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        await owner.AddMemberAsync(orgId, admin, "admin");
        var response = await admin.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/members", new { email = third.Email, role = "owner" });
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListOrganizations_ShowsTheCallersOrganizationsWithTheirRoles_AndRefusesAnApiKey()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var member = await factory.RegisterAndLoginAsync();
        var mine = await owner.CreateOrganizationAsync("Mine");
        var shared = await owner.CreateOrganizationAsync("Shared");
        var others = await member.CreateOrganizationAsync("Not the owner's");
        await owner.AddMemberAsync(shared, member, "viewer");

        var ownersList = await (await owner.Client.GetAsync("/api/v1/orgs")).ReadAsync<JsonElement>();
        var membersList = await (await member.Client.GetAsync("/api/v1/orgs")).ReadAsync<JsonElement>();

        Assert.Equal(new[] { $"{mine}:owner", $"{shared}:owner" }.Order(StringComparer.Ordinal), Roles(ownersList));
        Assert.Equal(new[] { $"{others}:owner", $"{shared}:viewer" }.Order(StringComparer.Ordinal), Roles(membersList));
        Assert.Equal(JsonValueKind.Null, ownersList.GetProperty("nextCursor").ValueKind);
        var key = await (await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{mine}/api-keys", new { name = "shop", scopes = new[] { "read" } })).ReadAsync<JsonElement>();
        var problem = await (await factory.ClientWith(key.GetProperty("key").GetString()!).GetAsync("/api/v1/orgs")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("user's access token", problem.GetProperty("title").GetString() + problem.GetProperty("detail").ToString(), StringComparison.Ordinal);

        static string[] Roles(JsonElement page) =>
            [.. page.GetProperty("items").EnumerateArray().Select(o => $"{o.GetProperty("id").GetString()}:{o.GetProperty("role").GetString()}").Order(StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task ApiKey_WorksAsBearerUntilRevoked(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var created = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/api-keys", new { name = "shop", scopes = new[] { "read" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.ReadAsync<JsonElement>();
        var secret = key.GetProperty("key").GetString()!;
        Assert.StartsWith("gk_", secret);

        var machine = factory.ClientWith(secret);
        Assert.Equal(HttpStatusCode.OK, (await machine.GetAsync($"/api/v1/orgs/{orgId}")).StatusCode);
        // A read key acts as a viewer: admin endpoints are 403.
        await (await machine.GetAsync($"/api/v1/orgs/{orgId}/api-keys")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var listed = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/api-keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, listed);
        Assert.Contains(key.GetProperty("id").GetString()!, listed);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/orgs/{orgId}/api-keys/{key.GetProperty("id").GetString()}")).StatusCode);
        await (await machine.GetAsync($"/api/v1/orgs/{orgId}")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await factory.ClientWith("gk_made-up").GetAsync($"/api/v1/orgs/{orgId}")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
