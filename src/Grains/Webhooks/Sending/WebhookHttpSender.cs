using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>
/// Sends webhook requests over one shared connection pool (a singleton per silo). Redirects are not followed, every
/// connection goes through <see cref="WebhookConnector"/> (the SSRF check), no proxy is used (it would be the address
/// checked instead of the target), and a whole attempt is bounded by <see cref="WebhookOptions.Timeout"/>. Never
/// throws for what the target does: every answer, refusal, timeout or network error becomes a <see cref="WebhookSendResult"/>.
/// </summary>
public sealed partial class WebhookHttpSender : IDisposable
{
    private const string UserAgent = "Granary-Webhooks/1.0";

    private readonly HttpMessageInvoker _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WebhookHttpSender> _logger;

    public WebhookHttpSender(IOptions<WebhookOptions> options, TargetAddressPolicy policy, TimeProvider timeProvider, ILogger<WebhookHttpSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _http = new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                // Connections are renewed now and then, so a host's changed DNS answer is resolved and checked again.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                MaxConnectionsPerServer = 256,
                MaxResponseDrainSize = _options.MaxResponseBytes,
                ConnectCallback = new WebhookConnector(policy).Connect,
            },
            disposeHandler: true);
    }

    /// <summary>Makes one attempt; see <see cref="IWebhookSenderGrain"/> for the request and the outcomes.</summary>
    public async Task<WebhookSendResult> Send(WebhookSendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Secrets is not { Count: > 0 })
        {
            throw new ArgumentException("A webhook is sent with at least one signing secret.", nameof(request));
        }
        var started = Stopwatch.GetTimestamp();
        if (!TargetAddressPolicy.TryParseUrl(request.Url, out var uri, out var refusal))
        {
            LogRefused(request.MessageId, refusal);
            return new WebhookSendResult(WebhookSendOutcome.Refused, null, 0, null, refusal);
        }
        // The body is encoded once; the same bytes are signed and sent.
        var body = Encoding.UTF8.GetBytes(request.Body);
        var timestamp = request.Timestamp.ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        message.Headers.TryAddWithoutValidation("webhook-id", request.MessageId);
        message.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(request.Secrets, request.MessageId, timestamp, body));

        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        try
        {
            using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            var text = await ReadCapped(response.Content, timeout.Token).ConfigureAwait(false);
            return Answered(response, text, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failed(started, $"The attempt timed out after {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException error) when (RefusalIn(error) is { } refused)
        {
            LogRefused(request.MessageId, refused.Message);
            return new WebhookSendResult(WebhookSendOutcome.Refused, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, refused.Message);
        }
        catch (HttpRequestException error)
        {
            return Failed(started, error.Message);
        }
        catch (IOException error)
        {
            return Failed(started, error.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    private static WebhookSendResult Answered(HttpResponseMessage response, string? text, double latencyMs)
    {
        var status = (int)response.StatusCode;
        return status switch
        {
            >= 200 and < 300 => new(WebhookSendOutcome.Success, status, latencyMs, text, null),
            410 => new(WebhookSendOutcome.Gone, status, latencyMs, text, null),
            >= 300 and < 400 => new(WebhookSendOutcome.Failed, status, latencyMs, text, $"HTTP {status}: redirects are not followed (Location: {response.Headers.Location?.OriginalString ?? "none"})."),
            _ => new(WebhookSendOutcome.Failed, status, latencyMs, text, null),
        };
    }

    private static WebhookSendResult Failed(long started, string error) =>
        new(WebhookSendOutcome.Failed, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, error);

    /// <summary>Reads at most MaxResponseBytes of the body and keeps at most MaxLoggedResponseChars of it as text; null when empty.</summary>
    private async Task<string?> ReadCapped(HttpContent content, CancellationToken cancellationToken)
    {
        var cap = _options.MaxResponseBytes;
        if (cap <= 0)
        {
            return null;
        }
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(cap);
            try
            {
                var length = 0;
                int read;
                while (length < cap && (read = await stream.ReadAsync(buffer.AsMemory(length, cap - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
                return length == 0 ? null : Text(buffer.AsSpan(0, length), _options.MaxLoggedResponseChars);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static string Text(ReadOnlySpan<byte> bytes, int maxChars)
    {
        // A UTF-8 character takes at most 4 bytes: decoding that many is enough for maxChars characters.
        var decoded = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, maxChars * 4)]);
        return decoded.Length <= maxChars ? decoded : decoded[..maxChars];
    }

    private static WebhookTargetRefusedException? RefusalIn(Exception error)
    {
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookTargetRefusedException refused)
            {
                return refused;
            }
        }
        return null;
    }

    [LoggerMessage(1, LogLevel.Warning, "Webhook {MessageId} was not sent: {Reason}")]
    private partial void LogRefused(string messageId, string reason);
}
