using Granary.WebApi.Http;
using Microsoft.AspNetCore.Authorization;

namespace Granary.WebApi.Auth;

/// <summary>
/// Endpoint metadata: the endpoint needs an authenticated caller (a user's access token or an API key). What the
/// caller may do is decided by the endpoint itself: every <c>/api/v1/orgs/{org}/…</c> handler checks membership and
/// role per organization (<c>OrgAccess</c>), which no static policy could express.
/// </summary>
internal sealed class RequiresCaller
{
    public static readonly RequiresCaller Instance = new();

    private RequiresCaller()
    {
    }
}

/// <summary>Marks endpoints as needing a caller.</summary>
internal static class CallerGate
{
    /// <summary>Anonymous calls to these endpoints get 401 and a <c>WWW-Authenticate: Bearer</c> challenge.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequiresCaller.Instance).DocumentProblems(StatusCodes.Status401Unauthorized);
}

/// <summary>
/// Answers 401 with a <c>WWW-Authenticate</c> challenge to an anonymous request for an endpoint carrying
/// <see cref="RequiresCaller"/>, unless the endpoint also allows anonymous calls; lets everything else through. The
/// challenge says <c>Bearer error="invalid_token"</c> when a credential was sent and refused, <c>Bearer</c> when none
/// was sent; the body is the problem details the status-code pages write.
/// </summary>
internal sealed class CallerGateMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User is CallerPrincipal
            || context.GetEndpoint()?.Metadata is not { } metadata
            || metadata.GetMetadata<RequiresCaller>() is null
            || metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = AuthSchemes.BearerToken(context.Request.Headers.Authorization.ToString()).IsEmpty
            ? AuthSchemes.Bearer
            : "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }
}
