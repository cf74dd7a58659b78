using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Granary.WebApi.Tests;

/// <summary>Rate limits come from Granary:Http and answer 429 problem details with Retry-After.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task ConfiguredLimits_Answer429WithRetryAfter_PerCallerAndPerAddress()
    {
        using var baseFactory = new ApiFactory(ApiStorage.Sqlite);
        using var factory = baseFactory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Granary:Http:AnonymousRequestsPerMinute", "3");
            b.UseSetting("Granary:Http:AuthenticatedRequestsPerMinute", "4");
        });
        var anonymous = factory.CreateClient();
        var email = ApiSteps.UniqueEmail();

        // Anonymous endpoints: three requests per minute from this address, whatever they are.
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/auth/register", new { email, password = ApiSteps.Password, name = "Rate" })).StatusCode);
        var login = await anonymous.PostAsJsonAsync("/auth/login", new { email, password = ApiSteps.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.ReadAsync<JsonElement>()).GetProperty("accessToken").GetString();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/auth/login", new { email, password = "wrong password!" })).StatusCode);
        var limited = await anonymous.PostAsJsonAsync("/auth/login", new { email, password = ApiSteps.Password });
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 429 names when to retry");

        // Authenticated endpoints: four per minute for this user, counted apart from the anonymous limit.
        var user = factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var org = await user.PostAsJsonAsync("/api/v1/orgs", new { name = "Rate", slug = ApiSteps.UniqueSlug() });
        Assert.Equal(HttpStatusCode.Created, org.StatusCode);
        var orgId = (await org.ReadAsync<JsonElement>()).GetProperty("id").GetString();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"/api/v1/orgs/{orgId}")).StatusCode);
        }
        var overLimit = await user.GetAsync($"/api/v1/orgs/{orgId}");
        await overLimit.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(overLimit.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 429 names when to retry");
    }
}
