using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Users;

public sealed class AuthApiTests
{
    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Register_Login_Me_ReturnsProfileAndOrganizations(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var email = ApiSteps.UniqueEmail();
        var registered = await factory.CreateClient().PostAsJsonAsync("/auth/register", new { email, password = ApiSteps.Password, name = "Ada" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var user = await registered.ReadAsync<JsonElement>();
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("Ada", user.GetProperty("name").GetString());

        var login = await factory.CreateClient().PostAsJsonAsync("/auth/login", new { email = "  " + email.ToUpperInvariant(), password = ApiSteps.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.ReadAsync<JsonElement>();
        Assert.True(tokens.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        var client = factory.ClientWith(tokens.GetProperty("accessToken").GetString()!);

        var created = await client.PostAsJsonAsync("/api/v1/orgs", new { name = "Acme", slug = ApiSteps.UniqueSlug() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var orgId = (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString();

        var me = await client.GetAsync("/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var profile = await me.ReadAsync<JsonElement>();
        Assert.Equal(user.GetProperty("id").GetString(), profile.GetProperty("id").GetString());
        var org = Assert.Single(profile.GetProperty("organizations").EnumerateArray());
        Assert.Equal(orgId, org.GetProperty("id").GetString());
        Assert.Equal("owner", org.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Me_WithoutToken_Is401Problem()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var response = await factory.CreateClient().GetAsync("/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer gk_not-a-key")]
    public async Task Me_WithABadCredential_Is401Problem_SayingTheTokenIsInvalid(string authorization)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/me");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await factory.CreateClient().SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Register_DuplicateEmail_Is409EvenWithOtherCase(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var session = await factory.RegisterAndLoginAsync();
        var again = await factory.CreateClient().PostAsJsonAsync("/auth/register", new { email = session.Email.ToUpperInvariant(), password = ApiSteps.Password, name = "Other" });
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Login_WrongPassword_Is401ThenDelayedWith429AndRetryAfter(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var session = await factory.RegisterAndLoginAsync();
        var client = factory.CreateClient();
        // Three free failures; after them each failure makes the next try wait longer (1 s, 2 s, 4 s, …), so wrong
        // passwords sent back to back meet a 429 within a few tries however slow the machine is.
        for (var i = 0; i < 3; i++)
        {
            var wrong = await client.PostAsJsonAsync("/auth/login", new { email = session.Email, password = "wrong password" });
            var problem = await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Invalid email or password.", problem.GetProperty("title").GetString());
        }
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 12 && throttled is null; i++)
        {
            var response = await client.PostAsJsonAsync("/auth/login", new { email = session.Email, password = "wrong password" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            }
        }

        Assert.NotNull(throttled);
        await throttled.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 15 * 60);
    }

    [Fact]
    public async Task Login_UnknownEmail_IsTheSame401AsAWrongPassword()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var response = await factory.CreateClient().PostAsJsonAsync("/auth/login", new { email = ApiSteps.UniqueEmail(), password = ApiSteps.Password });
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid email or password.", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Refresh_RotatesAndReuseOfARotatedTokenRevokesTheFamily(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var session = await factory.RegisterAndLoginAsync();
        var client = factory.CreateClient();

        var first = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = session.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var pair = await first.ReadAsync<JsonElement>();
        var second = pair.GetProperty("refreshToken").GetString()!;
        Assert.NotEqual(session.RefreshToken, second);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientWith(pair.GetProperty("accessToken").GetString()!).GetAsync("/auth/me")).StatusCode);

        // The rotated token comes back: it leaked, so the whole family dies, including the current token.
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = session.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = second })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Logout_RevokesTheRefreshToken(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var session = await factory.RegisterAndLoginAsync();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/logout", new { refreshToken = session.RefreshToken })).StatusCode);
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = session.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_GarbageToken_Is401()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var response = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = "not-a-token" });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"email":"nope","password":"long enough","name":"A"}""", "email")]
    [InlineData("""{"email":"a@example.com","password":"short","name":"A"}""", "password")]
    [InlineData("""{"email":"a@example.com","password":"long enough"}""", "name")]
    public async Task Register_InvalidField_Is400NamingTheField(string body, string field)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var response = await factory.CreateClient().PostAsync("/auth/register", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task Register_NameOver200Characters_Is400NamingName()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var response = await factory.CreateClient().PostAsJsonAsync("/auth/register", new { email = ApiSteps.UniqueEmail(), password = ApiSteps.Password, name = new string('n', 201) });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }
}
