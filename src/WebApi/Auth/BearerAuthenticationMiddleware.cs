using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Granary.WebApi.Auth;

/// <summary>
/// Authenticates every request with <see cref="BearerAuthenticator"/> in place of the framework's authentication
/// middleware, which would create a scheme handler per request: it sets <see cref="HttpContext.User"/> and the
/// <see cref="IAuthenticateResultFeature"/> the authorization middleware reads. Challenges (401) still go through the
/// scheme (<see cref="BearerAuthenticationHandler"/>).
/// </summary>
internal sealed class BearerAuthenticationMiddleware(RequestDelegate next, BearerAuthenticator authenticator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var result = await authenticator.AuthenticateAsync(context.Request);
        if (result.Succeeded)
        {
            context.User = result.Principal;
            var feature = new AuthenticationResultFeature(result);
            context.Features.Set<IAuthenticateResultFeature>(feature);
            context.Features.Set<IHttpAuthenticationFeature>(feature);
        }
        await next(context);
    }

    private sealed class AuthenticationResultFeature(AuthenticateResult result) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;

        public System.Security.Claims.ClaimsPrincipal? User
        {
            get => AuthenticateResult?.Principal;
            set => AuthenticateResult = value is null ? null : AuthenticateResult.Success(new AuthenticationTicket(value, AuthSchemes.Bearer));
        }
    }
}
