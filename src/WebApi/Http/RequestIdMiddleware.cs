using System.Diagnostics;

namespace Granary.WebApi.Http;

/// <summary>
/// The request id is the request's W3C trace id (32 hex digits): returned as X-Request-Id, in problem documents'
/// <c>requestId</c>, and in every log line of the request (log scope <c>RequestId</c>, beside the <c>TraceId</c> the
/// logger adds), so one id finds the response, the logs and the trace. A caller that wants its own id sends a W3C
/// <c>traceparent</c> header, which ASP.NET Core continues. Without an activity (no listener at all) it falls back to
/// ASP.NET Core's connection-and-request identifier.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string Header = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = Activity.Current is { } activity ? activity.TraceId.ToHexString() : context.TraceIdentifier;
        context.TraceIdentifier = requestId;
        context.Response.Headers[Header] = requestId;
        using (logger.BeginScope(new RequestIdScope(requestId)))
        {
            await next(context);
        }
    }

    /// <summary>The log scope of a request: one property, RequestId (cheaper than a dictionary per request).</summary>
    private sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{requestId}";
    }
}
