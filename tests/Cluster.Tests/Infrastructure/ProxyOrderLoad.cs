using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// One request of the load: when it started and ended (Stopwatch timestamps) and how it was answered: its status
/// (0 when nothing answered), whether it carried Retry-After, and the body of an error or the exception.
/// </summary>
internal sealed record LoadAttempt(string Key, long Started, long Ended, int Status, bool RetryAfter, string? Detail)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public override string ToString() => $"{Key}: {(Status == 0 ? "no answer" : $"HTTP {Status}")}{(RetryAfter ? " with Retry-After" : "")} {Detail}".TrimEnd();
}

/// <summary>
/// A few clients creating orders through the proxy until stopped, each order with its own Idempotency-Key. An attempt
/// answered 5xx, or without an answer (connection refused or reset, timeout), is sent again with the same key after
/// 250 ms, for at most <see cref="GiveUpAfter"/>; any other answer but 201 ends the order as failed. Every attempt is
/// recorded, so a test can say which answers it allows when.
/// </summary>
internal sealed class ProxyOrderLoad(HttpClient client, string accessToken, string organizationId, int clients, TimeSpan pace)
{
    /// <summary>How long one order is retried: longer than any outage the tests cause.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(45);

    private const string OrderJson =
        """{"lines":[{"sku":"SKU-1","quantity":1,"unitPrice":9.90}],"currency":"EUR","customer":{"email":"load@example.com","name":"Load"},"shippingAddress":{"line1":"1 Main St","city":"Lyon","postalCode":"69001","country":"FR"}}""";

    private readonly ConcurrentQueue<LoadAttempt> _attempts = new();
    private readonly ConcurrentDictionary<string, string> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _failedOrders = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private Task[] _clients = [];

    public IReadOnlyCollection<LoadAttempt> Attempts => _attempts;

    /// <summary>Order id by Idempotency-Key of every order answered 201.</summary>
    public IReadOnlyDictionary<string, string> Acknowledged => _acknowledged;

    /// <summary>The organization the orders are created in.</summary>
    public string OrganizationId => organizationId;

    /// <summary>Orders that ended without a 201: the answer that ended them, or the last failure when retrying ran out.</summary>
    public IReadOnlyCollection<string> FailedOrders => _failedOrders;

    public void Start() => _clients = Enumerable.Range(0, clients).Select(c => Task.Run(() => RunClientAsync(c))).ToArray();

    /// <summary>Stops sending new orders, lets the ones being retried finish (bounded by <see cref="GiveUpAfter"/>).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients).WaitAsync(GiveUpAfter + TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until <paramref name="count"/> attempts that started after <paramref name="after"/> succeeded; returns when the last of them ended.</summary>
    public async Task<long> WaitForSuccessesAsync(int count, long after, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var successes = _attempts.Where(a => a.Succeeded && a.Started >= after).Select(a => a.Ended).Order().Take(count).ToList();
            if (successes.Count >= count)
            {
                return successes[^1];
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{successes.Count} of {count} orders started after the mark were acknowledged within {timeout.TotalSeconds} s; " +
                    $"last attempts: {string.Join(" | ", _attempts.TakeLast(5))}");
            }
            await Task.Delay(50);
        }
    }

    private async Task RunClientAsync(int clientIndex)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            await CreateAsync($"{_run}-{clientIndex}-{n}");
            try
            {
                await Task.Delay(pace, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CreateAsync(string key)
    {
        var giveUp = Stopwatch.GetTimestamp() + (long)(GiveUpAfter.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var attempt = await SendAsync(key);
            _attempts.Enqueue(attempt.Attempt);
            if (attempt.Attempt.Succeeded)
            {
                _acknowledged[key] = attempt.OrderId!;
                return;
            }
            var transient = attempt.Attempt.Status is 0 or >= 500;
            if (!transient || Stopwatch.GetTimestamp() > giveUp)
            {
                _failedOrders.Enqueue(attempt.Attempt.ToString());
                return;
            }
            await Task.Delay(250);
        }
    }

    private async Task<(LoadAttempt Attempt, string? OrderId)> SendAsync(string key)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{organizationId}/orders")
            {
                Content = new StringContent(OrderJson, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var created = response.StatusCode == HttpStatusCode.Created;
            var attempt = new LoadAttempt(key, started, Stopwatch.GetTimestamp(), (int)response.StatusCode, response.Headers.RetryAfter is not null, created ? null : Shorten(body));
            return (attempt, created ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (new LoadAttempt(key, started, Stopwatch.GetTimestamp(), 0, false, $"{ex.GetType().Name}: {Shorten(ex.Message)}"), null);
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
