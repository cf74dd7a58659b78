namespace Granary.WebApi.Http;

/// <summary>
/// A 200 answer whose JSON body was rendered to UTF-8 beforehand (and is reused across requests): sets the content
/// type and length and writes the bytes, nothing else — no range, ETag or conditional-request processing, which a
/// JSON API answer doesn't offer.
/// </summary>
internal sealed class RenderedJsonResult(byte[] body) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        var write = response.Body.WriteAsync(body);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }
}
