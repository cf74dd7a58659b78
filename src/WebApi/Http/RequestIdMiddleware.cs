using System.Diagnostics;

namespace Granary.WebApi.Http;

/// <summary>
/// The request id is the request's W3C trace id (32 hex digits): returned as X-Request-Id and in problem documents'
/// <c>requestId</c>, and the <c>TraceId</c> every log line of the request carries (ASP.NET Core's activity scope), so
/// one id finds the response, the logs and the trace. A caller that wants its own id sends a W3C <c>traceparent</c>
/// header, which ASP.NET Core continues. Without an activity (no listener at all) it falls back to ASP.NET Core's
/// connection-and-request identifier.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var requestId = Activity.Current is { } activity ? activity.TraceId.ToHexString() : context.TraceIdentifier;
        context.TraceIdentifier = requestId;
        context.Response.Headers[Header] = requestId;
        return next(context);
    }
}
