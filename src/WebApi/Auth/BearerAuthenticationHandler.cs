using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Granary.WebApi.Auth;

/// <summary>
/// The API's authentication scheme. Requests are authenticated by <see cref="BearerAuthenticationMiddleware"/>; the
/// framework creates this handler only when something asks the scheme itself: to authenticate explicitly, or to
/// challenge (401 with <c>WWW-Authenticate: Bearer</c>, plus <c>error="invalid_token"</c> when a credential was sent
/// and refused).
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    BearerAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync() => await authenticator.AuthenticateAsync(Request);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = AuthSchemes.BearerToken(Request) is { Length: > 0 } ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Task.CompletedTask;
    }
}
