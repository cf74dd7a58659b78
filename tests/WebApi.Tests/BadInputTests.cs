using System.Net;
using System.Text;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests;

/// <summary>Every write endpoint of auth, organizations, members and API keys answers bad bodies with 4xx problem details, never 500.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string> Bodies() =>
    [
        "{not json",
        """{"email": 5, "password": true, "name": [], "slug": {}, "role": 1.5, "scopes": "read", "refreshToken": 3, "autoCancelMinutes": "x", "timeZone": 1}""",
        """{"unexpected": "field"}""",
        "{}",
        "",
        "[]",
        "null",
        """{"role": "superuser", "scopes": ["admin"], "autoCancelMinutes": -1}""",
        """{"role": 42}""",
        "{\"name\": \"" + new string('x', 1_100_000) + "\"}",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task EveryWriteEndpoint_BadBody_Is4xxProblem(string body)
    {
        using var factory = new ApiFactory(ApiStorage.Memory);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var writes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/auth/register"),
            (HttpMethod.Post, "/auth/login"),
            (HttpMethod.Post, "/auth/refresh"),
            (HttpMethod.Post, "/auth/logout"),
            (HttpMethod.Post, "/api/v1/orgs"),
            (HttpMethod.Patch, $"/api/v1/orgs/{orgId}/settings"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/members"),
            (HttpMethod.Patch, $"/api/v1/orgs/{orgId}/members/{owner.UserId}"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/api-keys"),
        };
        foreach (var (method, path) in writes)
        {
            var response = await owner.Client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{method} {path} answered {status}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
