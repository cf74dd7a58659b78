using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Granary.Testing.Processes;

namespace Granary.Silo.Tests;

/// <summary>
/// Behind a trusted proxy the client address is the one <c>X-Forwarded-For</c> names, and the per-address rate limit
/// counts it; from a peer that isn't trusted the header is ignored. The silo runs as a process behind real Kestrel
/// (the test's connections come from loopback, trusted unless <c>Granary:Http:TrustedProxies</c> says otherwise), with
/// 3 anonymous requests a minute per address; <c>POST /auth/refresh</c> with an unknown token is such a request.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FromATrustedProxy_EachForwardedClientHasItsOwnBudget()
    {
        await using var silo = await StartAsync([]);
        using var http = silo.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(http, "203.0.113.1"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefreshAsync(http, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(http, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(http, forwardedFor: null));
    }

    [Fact]
    public async Task FromAPeerThatIsNotTrusted_TheHeaderIsIgnored()
    {
        await using var silo = await StartAsync(new() { ["Granary__Http__TrustedProxies__0"] = "10.9.9.0/24" });
        using var http = silo.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(http, $"203.0.113.{i + 1}"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await RefreshAsync(http, "203.0.113.200"));
    }

    [Fact]
    public async Task AnEntryThatIsNeitherAnAddressNorANetwork_StopsStartUp_NamingIt()
    {
        await using var silo = SiloProcess.Start("proxies", Settings(new() { ["Granary__Http__TrustedProxies__0"] = "10.0.0.0/99" }));

        Assert.NotEqual(0, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("Granary:Http:TrustedProxies:0 is '10.0.0.0/99' but must be an IP address", silo.Output);
    }

    private static async Task<HttpStatusCode> RefreshAsync(HttpClient http, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh") { Content = JsonContent.Create(new { refreshToken = "unknown" }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<SiloProcess> StartAsync(Dictionary<string, string> settings)
    {
        var silo = SiloProcess.Start("proxies", Settings(settings));
        await silo.WaitForOkAsync("/health/live", StartTimeout);
        return silo;
    }

    private static Dictionary<string, string> Settings(Dictionary<string, string> settings)
    {
        settings["Granary__Http__AnonymousRequestsPerMinute"] = "3";
        settings["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        return settings;
    }
}
