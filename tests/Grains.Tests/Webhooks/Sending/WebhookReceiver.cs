using System.Collections.Concurrent;
using Granary.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Granary.Grains.Tests.Webhooks.Sending;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel, a free port) that records every request and answers as the test says.
/// Paths: /ok → 204, /fail → 500 with <see cref="FailureBody"/>, /gone → 410, /redirect → 302 to
/// <see cref="RedirectTo"/>, /slow → no answer until the client gives up or the receiver is disposed, /flaky → 503
/// for the first <see cref="FailFirst"/> requests, then 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public static readonly string FailureBody = string.Concat(Enumerable.Repeat("internal error; ", 400));

    private readonly CancellationTokenSource _stopping = new();
    private LoopbackServer? _server;

    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    public string? RedirectTo { get; set; }

    /// <summary>How many requests to /flaky fail before it answers 200.</summary>
    public int FailFirst { get; set; }

    private int _flakySeen;

    /// <summary>The base URL, e.g. "http://127.0.0.1:41234".</summary>
    public string BaseUrl { get; private set; } = "";

    public int Port => new Uri(BaseUrl).Port;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(routes => routes.MapPost("/{path}", receiver.Handle));
        receiver.BaseUrl = receiver._server.BaseUrl;
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _stopping.Dispose();
    }

    private async Task Handle(HttpContext context, string path)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new ReceivedWebhook(path, headers, body));
        switch (path)
        {
            case "ok":
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case "fail":
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync(FailureBody, context.RequestAborted);
                break;
            case "flaky":
                context.Response.StatusCode = Interlocked.Increment(ref _flakySeen) <= FailFirst
                    ? StatusCodes.Status503ServiceUnavailable
                    : StatusCodes.Status200OK;
                break;
            case "gone":
                context.Response.StatusCode = StatusCodes.Status410Gone;
                break;
            case "redirect":
                context.Response.Redirect(RedirectTo ?? "/");
                break;
            case "slow":
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }
}

/// <summary>One request as the receiver saw it.</summary>
internal sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body);
