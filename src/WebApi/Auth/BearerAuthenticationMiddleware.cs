namespace Granary.WebApi.Auth;

/// <summary>
/// Authenticates every request that carries <c>Authorization: Bearer …</c> through the silo's one
/// <see cref="BearerAuthenticator"/> and makes the caller <see cref="HttpContext.User"/>. A request without the header
/// stays anonymous; a refused credential is logged and the request goes on anonymous, so an endpoint that needs a
/// caller answers 401 (<see cref="CallerGateMiddleware"/>) and an anonymous endpoint still works. A token seen before
/// costs one dictionary lookup.
/// </summary>
internal sealed partial class BearerAuthenticationMiddleware(RequestDelegate next, BearerAuthenticator authenticator, ILogger<BearerAuthenticationMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var token = AuthSchemes.BearerToken(context.Request.Headers.Authorization.ToString());
        if (token.IsEmpty)
        {
            return next(context);
        }
        if (authenticator.TryGetKnown(token, out var known))
        {
            context.User = known!;
            return next(context);
        }
        return AuthenticateAsync(context, token.ToString());
    }

    private async Task AuthenticateAsync(HttpContext context, string token)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(token);
        if (caller is not null)
        {
            context.User = caller;
        }
        else
        {
            Refused(logger, error ?? "The credential is not valid.");
        }
        await next(context);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Bearer credential refused: {Reason}")]
    private static partial void Refused(ILogger logger, string reason);
}
