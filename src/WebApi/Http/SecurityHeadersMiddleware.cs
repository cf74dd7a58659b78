namespace Granary.WebApi.Http;

/// <summary>Headers every API response carries: no sniffing, no framing, no referrer, no caching of private data.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/auth"))
        {
            headers.CacheControl = "no-store";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        }
        return next(context);
    }
}
