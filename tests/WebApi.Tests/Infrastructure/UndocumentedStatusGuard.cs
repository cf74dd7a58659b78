using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// Records every answer of an API operation (<c>/api</c>, <c>/auth</c>, <c>/hooks</c>) whose status the operation does
/// not document: the OpenAPI document is built from the same response metadata, so a status seen here and missing
/// there is one a client can't know of. The factory fails the test that saw one when it is disposed, so the whole
/// suite's calls check the document.
/// </summary>
internal sealed class UndocumentedStatusGuard(ConcurrentQueue<string> violations) : IStartupFilter
{
    private static readonly string[] ApiPrefixes = ["/api/", "/auth/", "/hooks/"];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            await proceed(context);
            if (!ApiPrefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.Ordinal)))
            {
                return;
            }
            // The exception handler clears the endpoint; the one that failed stays in its feature.
            var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            if (endpoint is not RouteEndpoint route)
            {
                // No operation matched (an unknown path, a method not served): nothing documents those.
                return;
            }
            var documented = route.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
            if (!documented.Contains(context.Response.StatusCode))
            {
                violations.Enqueue($"{context.Request.Method} {route.RoutePattern.RawText} answered {context.Response.StatusCode}, which it doesn't document (it documents {string.Join(", ", documented.Order())})");
            }
        });
        next(app);
    };
}
