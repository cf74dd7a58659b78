using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>A create attempt that failed and was sent again: where, why, and when it ended (a Stopwatch timestamp).</summary>
internal readonly record struct FailedAttempt(string Description, long Ended);

/// <summary>
/// Creates orders through POST /api/v1/orgs/{org}/orders with bounded concurrency, order i through silo i mod n, each
/// with its own Idempotency-Key. A request that fails (no connection, a timeout, 5xx, 429) is sent again with the same
/// key, to the next silo, until it answers 201 — at most <see cref="MaxAttempts"/> times.
/// </summary>
internal sealed class OrderBurst(IReadOnlyList<HttpClient> silos, string accessToken, string organizationId, string keyPrefix)
{
    public const int MaxAttempts = 40;

    private const string OrderJson =
        """{"lines":[{"sku":"SKU-1","quantity":1,"unitPrice":9.90}],"currency":"EUR","customer":{"email":"burst@example.com","name":"Burst"},"shippingAddress":{"line1":"1 Main St","city":"Lyon","postalCode":"69001","country":"FR"}}""";

    private readonly ConcurrentQueue<FailedAttempt> _failures = new();
    private readonly TaskCompletionSource _milestone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _milestoneAt = int.MaxValue;
    private int _acknowledged;

    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Attempts that failed and were sent again, described ("silo-2: HTTP 500 …"), in the order they ended.</summary>
    public IReadOnlyCollection<FailedAttempt> Failures => _failures;

    /// <summary>Completes once <paramref name="count"/> orders were acknowledged (call before <see cref="RunAsync"/>).</summary>
    public Task WhenAcknowledged(int count)
    {
        _milestoneAt = count;
        return _milestone.Task;
    }

    /// <summary>Creates <paramref name="count"/> orders; returns the acknowledged order id of each, by index.</summary>
    public async Task<string[]> RunAsync(int count, int concurrency, Func<int, string> siloName)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            ids[i] = await CreateAsync(i, siloName);
            if (Interlocked.Increment(ref _acknowledged) >= _milestoneAt)
            {
                _milestone.TrySetResult();
            }
        });
        _milestone.TrySetResult();
        return ids;
    }

    private async Task<string> CreateAsync(int index, Func<int, string> siloName)
    {
        var key = $"{keyPrefix}-{index}";
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var silo = (index + attempt) % silos.Count;
            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{organizationId}/orders")
                {
                    Content = new StringContent(OrderJson, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
                request.Headers.Add("Idempotency-Key", key);
                using var response = await silos[silo].SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    using var order = JsonDocument.Parse(body);
                    return order.RootElement.GetProperty("id").GetString()!;
                }
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    throw new InvalidOperationException($"Order {key} on {siloName(silo)}: HTTP {(int)response.StatusCode} {body}");
                }
                failure = $"HTTP {(int)response.StatusCode} {Shorten(body)}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                failure = $"{ex.GetType().Name}: {Shorten(ex.Message)}";
            }
            _failures.Enqueue(new FailedAttempt($"{siloName(silo)}: {failure}", Stopwatch.GetTimestamp()));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (attempt + 1))));
        }
        throw new TimeoutException($"Order {key} was not acknowledged after {MaxAttempts} attempts; last failures: {string.Join(" | ", _failures.TakeLast(3).Select(f => f.Description))}");
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
