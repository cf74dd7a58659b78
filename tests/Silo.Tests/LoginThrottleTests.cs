using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Granary.Testing.Processes;

namespace Granary.Silo.Tests;

/// <summary>
/// Nobody can lock an account's owner out by guessing: failures slow down further tries for that account from the
/// guessing address only. The silo runs as a process behind real Kestrel; the test's connections come from loopback,
/// a trusted proxy by default, so <c>X-Forwarded-For</c> sets the client address of each request.
/// </summary>
public sealed class LoginThrottleTests
{
    private const string Attacker = "198.51.100.66";
    private const string Owner = "203.0.113.10";

    [Fact]
    public async Task GuessesFromOneAddress_SlowThatAddress_WhileTheOwnerLogsInFromAnother()
    {
        await using var silo = SiloProcess.Start("throttle", new Dictionary<string, string>
        {
            ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        await silo.WaitForOkAsync("/health/live", TimeSpan.FromSeconds(60));
        using var http = silo.CreateClient();
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        const string password = "owner-password-1";
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/auth/register", new { email, password, name = "Owner" })).StatusCode);

        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 15 && throttled is null; i++)
        {
            var response = await LoginAsync(http, Attacker, email, "a guess");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
        Assert.NotNull(throttled);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(http, Owner, email, password)).StatusCode);

        // The guessing address gets its turn back once it has waited.
        var wait = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(wait, 1, 60);
        await Task.Delay(TimeSpan.FromSeconds(wait));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(http, Attacker, email, password)).StatusCode);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, string address, string email, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        return await http.SendAsync(request);
    }
}
