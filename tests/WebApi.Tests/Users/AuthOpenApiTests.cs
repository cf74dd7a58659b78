using System.Net;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Users;

public sealed class AuthOpenApiTests
{
    [Fact]
    public async Task OpenApi_DescribesAuthOrganizationMemberAndApiKeyEndpoints()
    {
        using var factory = new ApiFactory(ApiStorage.Memory);
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
}
