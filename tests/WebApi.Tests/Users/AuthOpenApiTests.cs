using System.Net;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Users;

public sealed class AuthOpenApiTests
{
    [Fact]
    public async Task OpenApi_DescribesAuthOrganizationMemberAndApiKeyEndpoints()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadAsync<JsonElement>()).GetProperty("paths");
        foreach (var path in new[]
        {
            "/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/me", "/api/v1/orgs", "/api/v1/orgs/{org}",
            "/api/v1/orgs/{org}/settings", "/api/v1/orgs/{org}/members", "/api/v1/orgs/{org}/members/{userId}",
            "/api/v1/orgs/{org}/api-keys", "/api/v1/orgs/{org}/api-keys/{keyId}",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _) || paths.TryGetProperty(path + "/", out _), $"{path} is missing from the OpenAPI document");
        }
        var register = paths.GetProperty("/auth/register").GetProperty("post");
        Assert.Equal("Register", register.GetProperty("operationId").GetString());
        Assert.True(register.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }

    [Fact]
    public async Task OpenApi_AuthenticatedOperationsRequireTheBearerScheme_AnonymousOnesDoNot()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var document = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");

        static bool RequiresBearer(JsonElement operation) =>
            operation.TryGetProperty("security", out var security)
            && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("bearer", out _));

        Assert.False(RequiresBearer(paths.GetProperty("/auth/register").GetProperty("post")));
        Assert.False(RequiresBearer(paths.GetProperty("/auth/login").GetProperty("post")));
        Assert.True(RequiresBearer(paths.GetProperty("/auth/me").GetProperty("get")));
        var getOrder = paths.GetProperty("/api/v1/orgs/{org}/orders/{id}").GetProperty("get");
        Assert.True(RequiresBearer(getOrder));
        Assert.True(getOrder.GetProperty("responses").TryGetProperty("401", out _));
        var orderSchema = getOrder.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.EndsWith("OrderResponse", orderSchema.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        // Every operation under /api/v1/orgs needs a credential.
        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/orgs", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(RequiresBearer(operation.Value), $"{operation.Name.ToUpperInvariant()} {path.Name} has no bearer requirement");
            }
        }
    }
}
