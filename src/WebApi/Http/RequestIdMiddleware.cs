using System.Text.RegularExpressions;

namespace Granary.WebApi.Http;

/// <summary>
/// Takes the caller's X-Request-Id (when it is a sane token) or makes one, returns it on the response and puts it in
/// every log line of the request (log scope). It is not copied into Orleans's RequestContext: no grain reads it, and
/// every grain call would carry it for nothing.
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

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex SafeToken();
}
