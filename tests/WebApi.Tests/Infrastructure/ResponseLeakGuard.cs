using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// Watches every JSON answer of an <see cref="ApiFactory"/> host for the framework's own words reaching a client — a
/// .NET type or namespace, a parser position, binding advice — and records each; the factory fails the test that
/// caused one when it is disposed. So every API test, whatever it asserts, also checks that no response leaks them.
/// </summary>
internal sealed class ResponseLeakGuard(ConcurrentQueue<string> leaks) : IStartupFilter
{
    /// <summary>What no response body may contain.</summary>
    public static readonly string[] Forbidden = ["Granary.", "System.", "LineNumber", "Nullable<", "Did you mean"];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            var original = context.Response.Body;
            await using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await proceed(context);
            }
            finally
            {
                context.Response.Body = original;
                buffer.Position = 0;
                if (context.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
                {
                    var text = await new StreamReader(buffer, leaveOpen: true).ReadToEndAsync();
                    foreach (var word in Forbidden.Where(word => text.Contains(word, StringComparison.Ordinal)))
                    {
                        leaks.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} answered {context.Response.StatusCode} containing \"{word}\": {text[..Math.Min(text.Length, 400)]}");
                    }
                    buffer.Position = 0;
                }
                await buffer.CopyToAsync(original);
            }
        });
        next(app);
    };
}
