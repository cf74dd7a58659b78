using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>
/// HTTP Basic for the operator credential of <c>/dashboard</c>, hand-written because ASP.NET Core ships no Basic handler.
/// With a credential configured: the right one authenticates, anything else is challenged (401 + WWW-Authenticate).
/// Without one (Development only, the dashboard is not mapped elsewhere): loopback callers are the local user; others get 404.
/// </summary>
internal sealed class DashboardBasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<GranaryDashboardOptions> dashboard,
    IHostEnvironment environment) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Challenge = "Basic realm=\"Granary dashboard\", charset=\"UTF-8\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credential = dashboard.Value;
        if (!credential.HasCredential)
        {
            return Task.FromResult(environment.IsDevelopment() && IsLoopback(Context.Connection.RemoteIpAddress)
                ? Success("local")
                : AuthenticateResult.NoResult());
        }
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!TryDecode(header.Parameter, out var user, out var password))
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credential."));
        }
        // Both comparisons always run (& not &&) so that the time taken says nothing about which part was wrong.
        var matches = FixedTimeEquals(user, credential.Username!) & FixedTimeEquals(password, credential.Password!);
        return Task.FromResult(matches ? Success(user) : AuthenticateResult.Fail("Wrong dashboard credential."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!dashboard.Value.HasCredential)
        {
            // No credential could ever succeed here, so a password prompt would only advertise the dashboard.
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenge;
        return Task.CompletedTask;
    }

    private AuthenticateResult Success(string user)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private static bool TryDecode(string parameter, out string user, out string password)
    {
        user = password = "";
        var bytes = new byte[(parameter.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(parameter, bytes, out var length))
        {
            return false;
        }
        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }
        (user, password) = (text[..colon], text[(colon + 1)..]);
        return true;
    }

    // Hashing first gives both sides the same length, so the comparison leaks neither content nor length.
    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
