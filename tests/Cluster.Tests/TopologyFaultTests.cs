using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Granary.Cluster.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// Faults of docker-compose.yml's production topology, run for real by scripts/topology.sh: Redis, PostgreSQL,
/// silo-1..3 and nginx each in a network namespace of its own, the silos on compose's settings (production failure
/// detection) and every request through nginx. A few clients keep creating orders (Idempotency-Key; an attempt
/// answered 5xx or not at all is sent again with the same key) while a silo is killed, every silo is restarted in
/// turn, Redis restarts, and PostgreSQL is away for 10 s. Every acknowledged order must be stored
/// and readable at the end. The topology is built once for the class; each test starts by bringing back whatever a
/// previous one left stopped.
/// </summary>
public sealed class TopologyFaultTests(Topology topology, ITestOutputHelper output) : IClassFixture<Topology>
{
    private const int Clients = 4;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);

    [Fact]
    public Task SiloKilledUnderLoad_NoAcknowledgedOrderLost_ProxyRoutesAroundIt_CallsSucceedAgainWithinTenSeconds() => RunAsync(async (client, load) =>
    {
        var killedAt = Stopwatch.GetTimestamp();
        await topology.KillSiloAsync(2);
        // Load for 12 s after the kill: past the 10 s limit, so a late failure would show.
        await Task.Delay(TimeSpan.FromSeconds(12));
        var answering = new List<string?>();
        for (var i = 0; i < 9; i++)
        {
            answering.Add(await topology.AnsweringSiloAsync(client));
        }
        await load.StopAsync();

        var failed = load.Attempts.Where(a => !a.Succeeded).ToList();
        var recovered = failed.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(killedAt, failed.Max(a => a.Ended));
        Report(load, "SIGKILL silo-2", killedAt);
        output.WriteLine($"kill -> last failed attempt (calls succeed again): {Seconds(recovered)} s");
        output.WriteLine($"/health/ready through the proxy after the kill answered by: {string.Join(", ", answering.Select(s => s ?? "not 200"))}");

        Assert.True(failed.All(a => a.Ended >= killedAt), $"Attempts failed before the kill: {string.Join(" | ", failed.Where(a => a.Ended < killedAt).Take(3))}");
        Assert.True(recovered <= TimeSpan.FromSeconds(10), $"An order attempt still failed {Seconds(recovered)} s after the kill; the limit is 10 s.");
        Assert.All(answering, silo => Assert.Contains(silo, new[] { "silo-1", "silo-3" }));
    });

    [Fact]
    public Task RollingRestartOfEverySilo_UnderLoad_NoRequestFails() => RunAsync(async (client, load) =>
    {
        var started = Stopwatch.GetTimestamp();
        for (var k = 1; k <= 3; k++)
        {
            var stopping = Stopwatch.StartNew();
            await topology.StopAsync($"silo-{k}");
            var stopped = stopping.Elapsed;
            var starting = Stopwatch.StartNew();
            await topology.UpAsync();
            output.WriteLine($"silo-{k}: SIGTERM -> exited in {Seconds(stopped)} s; started again and ready in {Seconds(starting.Elapsed)} s");
            // The new process takes its share of the load before the next one goes.
            await load.WaitForSuccessesAsync(40, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
        }
        await load.StopAsync();
        Report(load, "rolling restart", started);

        // Attempts a silo answered 502/503 while it stopped may be sent again (their Idempotency-Key makes that safe);
        // any other failure, or an order that never got its 201, is a failed request.
        var failed = load.Attempts.Where(a => !a.Succeeded && a.Status is not (502 or 503)).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} requests failed other than 502/503:\n{string.Join('\n', failed.Take(10))}");
    });

    [Fact]
    public Task RedisRestarted_ClusterServesAgainUnattendedWithinThirtySeconds() => RunAsync(async (client, load) =>
    {
        var restarted = Stopwatch.GetTimestamp();
        await topology.StopAsync("redis");
        await topology.UpAsync();
        var serving = await WaitServingAsync(client, load, restarted);
        await load.StopAsync();
        Report(load, "Redis restarted", restarted);
        output.WriteLine($"Redis SHUTDOWN (AOF written) and started again: serving again {Seconds(serving)} s after the SHUTDOWN");

        Assert.True(serving <= TimeSpan.FromSeconds(30), $"The cluster served again only {Seconds(serving)} s after Redis restarted; the limit is 30 s.");
        // While Redis is away a request that needs it (a reminder to register) is told to retry: 503 with Retry-After, never a 500.
        var wrong = load.Attempts.Where(a => !a.Succeeded && !(a.Status == 503 && a.RetryAfter)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} requests were answered other than 2xx or 503 with Retry-After:\n{string.Join('\n', wrong.Take(10))}");
    });

    [Fact]
    public Task RedisDataLost_EverySiloRejoinsOneFreshCluster_ServingAgainUnattendedWithinThirtySeconds() => RunAsync(async (client, load) =>
    {
        var before = Enumerable.Range(1, 3).Select(Topology.SiloPid).ToArray();
        // Orders acknowledged so far are pending: each has its auto-cancel reminder, which FLUSHALL takes away.
        var pendingBefore = load.Acknowledged.Values.ToList();
        var flushed = Stopwatch.GetTimestamp();
        await topology.FlushRedisAsync();
        var serving = await WaitServingAsync(client, load, flushed);
        var views = await Topology.ActiveSilosSeenAsync(client);
        var after = Enumerable.Range(1, 3).Select(Topology.SiloPid).ToArray();
        var (restored, missing) = await WaitRemindersRestoredAsync(load.OrganizationId, pendingBefore, flushed);
        await load.StopAsync();
        Report(load, "Redis FLUSHALL", flushed);
        output.WriteLine($"Redis FLUSHALL: serving again {Seconds(serving)} s after it; silo pids {string.Join(",", before)} -> {string.Join(",", after)}; " +
            $"active silos in each silo's view: {string.Join(", ", views.Select(v => v?.ToString(CultureInfo.InvariantCulture) ?? "not ready"))}; " +
            $"auto-cancel reminders of the {pendingBefore.Count} orders pending at the flush back after {Seconds(restored)} s ({missing.Count} missing)");

        Assert.True(serving <= TimeSpan.FromSeconds(30), $"The cluster served again only {Seconds(serving)} s after FLUSHALL; the limit is 30 s.");
        // Every silo noticed the table had lost it and was started again into the fresh table by its restart policy...
        Assert.All(Enumerable.Range(0, 3), i => Assert.NotEqual(before[i], after[i]));
        // ...and they formed one cluster, not a new one beside the old.
        Assert.All(views, view => Assert.Equal(3, view));
        // The reminders went with the data; the silos rebuilt them from PostgreSQL.
        Assert.True(missing.Count == 0, $"{missing.Count} of {pendingBefore.Count} pending orders have no auto-cancel reminder 60 s after FLUSHALL, e.g. {string.Join(", ", missing.Take(5))}");
    });

    /// <summary>
    /// Waits (60 s at most) until Redis's reminder table holds the auto-cancel reminder of each order in
    /// <paramref name="orderIds"/>; returns the time since <paramref name="fault"/> and the orders still without one.
    /// </summary>
    private async Task<(TimeSpan Restored, List<string> Missing)> WaitRemindersRestoredAsync(string organizationId, List<string> orderIds, long fault)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(60 * Stopwatch.Frequency);
        while (true)
        {
            var rows = await topology.ReminderRowsAsync();
            var missing = orderIds.Where(id => !rows.Any(row =>
                row.Contains($"order/{organizationId}/{id}", StringComparison.Ordinal) && row.Contains("auto-cancel", StringComparison.Ordinal))).ToList();
            if (missing.Count == 0 || Stopwatch.GetTimestamp() > deadline)
            {
                return (Stopwatch.GetElapsedTime(fault), missing);
            }
            await Task.Delay(500);
        }
    }

    [Fact]
    public Task PostgresAwayForTenSeconds_DatabaseRequestsAnswer503WithRetryAfter_RecoveryUnattended() => RunAsync(async (client, load) =>
    {
        var lists = new List<LoadAttempt>();
        using var listing = new CancellationTokenSource();
        var lister = ListOrdersUntilCancelledAsync(client, await topology.NewTenantAsync(client), lists, listing.Token);

        var stoppedAt = Stopwatch.GetTimestamp();
        await topology.StopAsync("postgres");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var restartedAt = Stopwatch.GetTimestamp();
        await topology.UpAsync();
        var back = Stopwatch.GetTimestamp();
        var firstSuccess = await load.WaitForSuccessesAsync(1, back, TimeSpan.FromSeconds(30));
        await load.WaitForSuccessesAsync(40, back, TimeSpan.FromSeconds(30));
        await listing.CancelAsync();
        await lister;
        await load.StopAsync();

        var during = load.Attempts.Concat(lists).Where(a => a.Ended > stoppedAt && a.Started < restartedAt).ToList();
        var all = load.Attempts.Concat(lists).ToList();
        Report(load, "PostgreSQL stopped", stoppedAt);
        output.WriteLine($"PostgreSQL away {Seconds(Stopwatch.GetElapsedTime(stoppedAt, restartedAt))} s; during it {during.Count} requests (orders and lists): " +
            string.Join(", ", during.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {(g.Key == 0 ? "no answer" : g.Key)}")));
        output.WriteLine($"PostgreSQL answering again -> first order acknowledged: {Seconds(Stopwatch.GetElapsedTime(back, firstSuccess))} s; list requests in all: {lists.Count}");

        // A request that needs the database gets 503 with Retry-After while it is away: never a 500, nor nginx's 502.
        var wrong = all.Where(a => !a.Succeeded && !(a.Status == 503 && a.RetryAfter)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} requests were answered other than 2xx or 503 with Retry-After: " +
            string.Join(", ", wrong.GroupBy(a => a.Status).Select(g => $"{g.Count()} x {g.Key}")) + $"\n{string.Join('\n', wrong.Take(5))}");
        Assert.Contains(during, a => a.Status == 503);
    });

    /// <summary>
    /// Brings the topology back to full strength, starts the load on a new tenant, runs <paramref name="fault"/> (which
    /// stops the load), then reads every acknowledged order back through the proxy and from PostgreSQL.
    /// </summary>
    private async Task RunAsync(Func<HttpClient, ProxyOrderLoad, Task> fault)
    {
        try
        {
            await topology.UpAsync();
            using var client = topology.CreateClient();
            var (token, organizationId) = await topology.NewTenantAsync(client);
            var load = new ProxyOrderLoad(client, token, organizationId, Clients, Pace);
            load.Start();
            await load.WaitForSuccessesAsync(50, 0, TimeSpan.FromSeconds(30));
            try
            {
                await fault(client, load);
            }
            finally
            {
                await load.StopAsync();
            }
            Assert.True(load.FailedOrders.Count == 0, $"{load.FailedOrders.Count} orders were never acknowledged:\n{string.Join('\n', load.FailedOrders.Take(10))}");
            await AssertEveryAcknowledgedOrderKeptAsync(client, token, organizationId, load);
        }
        catch
        {
            output.WriteLine(topology.Diagnostics());
            throw;
        }
    }

    private async Task AssertEveryAcknowledgedOrderKeptAsync(HttpClient client, string token, string organizationId, ProxyOrderLoad load)
    {
        var acknowledged = load.Acknowledged.Values.ToHashSet(StringComparer.Ordinal);
        var stored = await topology.StoredOrderIdsAsync(organizationId);
        var notStored = acknowledged.Except(stored).ToList();
        var unreadable = new List<string>();
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orgs/{organizationId}/orders/{id}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                lock (unreadable)
                {
                    unreadable.Add($"{id}: HTTP {(int)response.StatusCode}");
                }
            }
        });
        output.WriteLine($"acknowledged orders: {acknowledged.Count}; stored in PostgreSQL: {acknowledged.Count - notStored.Count}; read back through the proxy: {acknowledged.Count - unreadable.Count}");
        Assert.True(notStored.Count == 0, $"{notStored.Count} acknowledged orders have no stored state, e.g. {string.Join(", ", notStored.Take(5))}");
        Assert.True(unreadable.Count == 0, $"{unreadable.Count} acknowledged orders could not be read back:\n{string.Join('\n', unreadable.Take(10))}");
    }

    /// <summary>
    /// Waits until Orleans's membership table in Redis lists silo-1..3 Active, every silo answers /health/ready with
    /// 200, and orders started after that are acknowledged; returns the time since <paramref name="fault"/>.
    /// </summary>
    private async Task<TimeSpan> WaitServingAsync(HttpClient client, ProxyOrderLoad load, long fault)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(60 * Stopwatch.Frequency);
        await using var membership = await MembershipReader.ConnectAsync(topology.Redis, "granary", "compose");
        while (true)
        {
            IReadOnlyList<MembershipRow> rows = [];
            try
            {
                rows = await membership.ReadAsync();
            }
            catch (RedisException)
            {
                // Redis is still starting.
            }
            var active = rows.GroupBy(r => r.SiloName).Select(g => g.MaxBy(r => r.Generation)!).Count(r => r.Status == "Active");
            if (active == 3 && await Topology.AllSilosReadyAsync(client))
            {
                break;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"The membership table did not list the three silos Active with every silo ready within 60 s; table: {MembershipReader.Describe(rows)}");
            }
            await Task.Delay(100);
        }
        var ready = Stopwatch.GetTimestamp();
        var served = await load.WaitForSuccessesAsync(Clients, ready, TimeSpan.FromSeconds(60));
        return Stopwatch.GetElapsedTime(fault, Math.Max(ready, served));
    }

    /// <summary>GET /orders (the read model, in PostgreSQL) every 200 ms through the proxy, recording each answer.</summary>
    private static async Task ListOrdersUntilCancelledAsync(HttpClient client, (string Token, string OrganizationId) tenant, List<LoadAttempt> answers, CancellationToken cancellation)
    {
        var (token, organizationId) = tenant;
        while (!cancellation.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orgs/{organizationId}/orders");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            LoadAttempt answer;
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                answer = new LoadAttempt("list", started, Stopwatch.GetTimestamp(), (int)response.StatusCode, response.Headers.RetryAfter is not null,
                    response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(CancellationToken.None));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = new LoadAttempt("list", started, Stopwatch.GetTimestamp(), 0, false, ex.Message);
            }
            answers.Add(answer);
            try
            {
                await Task.Delay(200, cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Report(ProxyOrderLoad load, string fault, long faultAt)
    {
        var attempts = load.Attempts.ToList();
        var failed = attempts.Where(a => !a.Succeeded).ToList();
        output.WriteLine($"{fault}: {attempts.Count} order requests sent by {Clients} clients, {failed.Count} failed and sent again, " +
            $"{load.Acknowledged.Count} orders acknowledged, {load.FailedOrders.Count} never acknowledged");
        foreach (var kind in failed.GroupBy(a => a.Status == 0 ? "no answer" : $"HTTP {a.Status}").OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {kind.Count()} x {kind.Key}, ended {Seconds(Stopwatch.GetElapsedTime(faultAt, kind.Min(a => a.Ended)))}..{Seconds(Stopwatch.GetElapsedTime(faultAt, kind.Max(a => a.Ended)))} s after the fault; e.g. {kind.First()}");
        }
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
