using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Granary.Hosting.Tests;

/// <summary>/dashboard behind the operator credential; without one, open only to the local user in Development.</summary>
public sealed class DashboardTests
{
    private const string User = "ops";
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Dashboard_WithCredentialConfigured_ChallengesWhenMissingOrWrong_AndServesWhenRight()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, WithCredential(), environment: "Production");

        using var missing = await silo.Http.GetAsync("/dashboard/version");
        using var wrong = await silo.Http.SendAsync(Request("/dashboard/version", User, "wrong"));
        using var right = await silo.Http.SendAsync(Request("/dashboard/version", User, Password));
        using var page = await silo.Http.SendAsync(Request("/dashboard/", User, Password));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Basic realm=\"Granary dashboard\", charset=\"UTF-8\"", missing.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Basic", wrong.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("\"version\"", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Dashboard_WithCredential_RefusesTheRightPasswordForAnotherUser()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, WithCredential());

        using var response = await silo.Http.SendAsync(Request("/dashboard/version", "root", Password));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_InProductionWithoutCredential_IsClosed()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, EmbeddedProfileTests.Ports(), environment: "Production");

        using var page = await silo.Http.GetAsync("/dashboard/");
        using var api = await silo.Http.SendAsync(Request("/dashboard/version", User, Password));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    [Fact]
    public async Task Dashboard_InDevelopmentWithoutCredential_IsOpenToLoopback()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, EmbeddedProfileTests.Ports(), environment: "Development");

        using var response = await silo.Http.GetAsync("/dashboard/version");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_Disabled_IsNotServed_EvenToTheOperator()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, new Dictionary<string, string?>(WithCredential()) { ["Granary:Dashboard:Enabled"] = "false" }, environment: "Production");

        using var page = await silo.Http.SendAsync(Request("/dashboard/", User, Password));
        using var api = await silo.Http.SendAsync(Request("/dashboard/version", User, Password));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    private static Dictionary<string, string?> WithCredential() => new(EmbeddedProfileTests.Ports())
    {
        ["Granary:Dashboard:Username"] = User,
        ["Granary:Dashboard:Password"] = Password,
    };

    private static HttpRequestMessage Request(string path, string user, string password) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))) },
    };
}
