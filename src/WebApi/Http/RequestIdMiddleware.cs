using System.Text.RegularExpressions;

namespace Granary.WebApi.Http;

/// <summary>
/// Takes the caller's X-Request-Id (when it is a sane token) or makes one, returns it on the response, puts it in
/// every log line of the request (log scope) and in the grain request context as the correlation id.
/// </summary>
internal sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string Header = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        var requestId = incoming.Length is > 0 and <= 128 && SafeToken().IsMatch(incoming) ? incoming : context.TraceIdentifier;
        context.TraceIdentifier = requestId;
        context.Response.Headers[Header] = requestId;
        Runtime.RequestContext.CorrelationId = requestId;
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            await next(context);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeToken();
}
