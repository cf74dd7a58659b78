using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>A registered, logged-in user and a client carrying their access token.</summary>
public sealed record ApiSession(string UserId, string Email, string Password, string AccessToken, string RefreshToken, HttpClient Client);

/// <summary>Steps most API tests start with. Emails and slugs are unique per call, as PostgreSQL keeps state between runs.</summary>
public static class ApiSteps
{
    public const string Password = "correct horse battery";

    public static string UniqueEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@example.com";

    public static string UniqueSlug() => "org-" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<ApiSession> RegisterAndLoginAsync(this ApiFactory factory, string? email = null)
    {
        email ??= UniqueEmail();
        var anonymous = factory.CreateClient();
        var registered = await anonymous.PostAsJsonAsync("/auth/register", new { email, password = Password, name = "Test User" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var userId = (await registered.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
        var login = await anonymous.PostAsJsonAsync("/auth/login", new { email, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.ReadAsync<JsonElement>();
        var access = tokens.GetProperty("accessToken").GetString()!;
        return new ApiSession(userId, email, Password, access, tokens.GetProperty("refreshToken").GetString()!, factory.ClientWith(access));
    }

    /// <summary>Creates an organization owned by <paramref name="owner"/> and returns its id.</summary>
    public static async Task<string> CreateOrganizationAsync(this ApiSession owner, string name = "Acme")
    {
        var created = await owner.Client.PostAsJsonAsync("/api/v1/orgs", new { name, slug = UniqueSlug() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task AddMemberAsync(this ApiSession admin, string orgId, ApiSession member, string role)
    {
        var added = await admin.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/members", new { email = member.Email, role });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    /// <summary>Asserts an RFC 9457 problem document with <paramref name="status"/> and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
