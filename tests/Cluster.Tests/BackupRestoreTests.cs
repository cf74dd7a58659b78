using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Granary.Cluster.Tests.Infrastructure;
using Granary.Persistence;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// scripts/backup.sh and scripts/restore.sh on a live deployment: a silo process (PostgreSQL state in a scratch database,
/// Redis reminders) takes orders while backup.sh runs, with one webhook delivery retrying against a receiver that answers
/// 500. The silo stops, the deployment's Redis keys are deleted (Redis lost too), restore.sh loads the backup into a new
/// database and the reminders into Redis, and a silo started on the restored database — refusing to start unless its
/// schema is current — serves every order acknowledged before the backup started, unchanged, and delivers the retrying
/// webhook once the receiver answers 200: its restored reminder, not anything else, brings it back.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private const string Password = "correct horse battery";
    private const int LoadWorkers = 4;
    private const int MaxLoadOrders = 3000;
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BackupUnderWriteLoad_RestoredIntoNewDatabase_ServesEveryEarlierOrder_AndResumesTheRetryingWebhook()
    {
        await TestServices.RequireBothAsync();
        await RequireClientToolsAsync();
        var runId = ClusterSettings.NewRunId("bk");
        var backups = Directory.CreateTempSubdirectory("granary-backups-").FullName;
        await using var receiver = await SwitchableWebhookReceiver.StartAsync();
        await using var live = await ScratchDatabase.CreateAsync($"granary_{runId}_live");
        await using var restored = await ScratchDatabase.CreateAsync($"granary_{runId}_restored");
        try
        {
            await RunAsync(runId, backups, receiver, live, restored);
        }
        finally
        {
            await TestData.DeleteRedisKeysAsync(TestServices.Redis, runId);
            Directory.Delete(backups, recursive: true);
        }
    }

    private async Task RunAsync(string runId, string backups, SwitchableWebhookReceiver receiver, ScratchDatabase live, ScratchDatabase restored)
    {
        var email = $"backup-{runId}@example.com";
        var settings = Settings(runId);

        // 1. A silo on the live database: an organization, a webhook endpoint for order.cancelled, one cancelled order
        //    whose delivery fails (500) and waits for its retry on a reminder.
        string orgId, deliveryId;
        List<AcknowledgedOrder> beforeBackup;
        string backup;
        await using (var silo = StartSilo("silo-live", settings, live))
        {
            await silo.WaitReadyAsync(StartTimeout);
            using var http = silo.CreateClient();
            var api = await ApiSession.LoginAsync(http, email, Password, register: true);
            orgId = (await api.PostJsonAsync("/api/v1/orgs", new { name = "Backup Co", slug = "backup-" + runId })).GetProperty("id").GetString()!;
            var endpoint = await api.PostJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = receiver.Url, eventTypes = new[] { "order.cancelled" } });
            receiver.Secret = endpoint.GetProperty("secret").GetString();
            var endpointId = endpoint.GetProperty("id").GetString()!;
            var cancelled = (await api.PostJsonAsync($"/api/v1/orgs/{orgId}/orders", NewOrder("cancelled@example.com"), idempotencyKey: "cancelled")).GetProperty("id").GetString()!;
            await api.PostAsync($"/api/v1/orgs/{orgId}/orders/{cancelled}/cancel", null, HttpStatusCode.OK);
            deliveryId = await WaitForRetryingDeliveryAsync(api, orgId, endpointId);

            // 2. backup.sh while orders are being created.
            var load = new OrderWriteLoad(api, orgId, runId, LoadWorkers, MaxLoadOrders);
            using var stopLoad = new CancellationTokenSource();
            var loading = load.RunAsync(stopLoad.Token);
            await WaitForAsync(() => load.Acknowledged.Count >= 20 || loading.IsCompleted, TimeSpan.FromSeconds(30), "20 orders of the load acknowledged");
            var backupStarted = Stopwatch.GetTimestamp();
            var result = await OperatorScript.RunAsync("backup.sh", ["--dir", backups, "--keep", "2"], BackupEnvironment(live, runId), ScriptTimeout);
            var backupEnded = Stopwatch.GetTimestamp();
            await stopLoad.CancelAsync();
            await loading;
            output.WriteLine(result.ToString());
            Assert.True(result.ExitCode == 0, result.ToString());
            backup = result.Stdout.Trim();
            Assert.Equal(Path.Combine(backups, Path.GetFileName(backup)), backup);
            beforeBackup = [.. load.Acknowledged.Where(o => o.AcknowledgedAt < backupStarted)];
            var during = load.Acknowledged.Count(o => o.AcknowledgedAt >= backupStarted && o.AcknowledgedAt <= backupEnded);
            output.WriteLine($"orders: {beforeBackup.Count} acknowledged before backup.sh started, {during} while it ran " +
                $"({Seconds(Stopwatch.GetElapsedTime(backupStarted, backupEnded))} s), {load.Acknowledged.Count} in all");
            Assert.True(during > 0, "No order was acknowledged while backup.sh ran: the backup was not taken under write load.");

            // The delivery was retrying all along: it leaves that status only by a 2xx (the receiver answered 500) or by
            // running out of retries (30 of 2 s).
            var delivery = await api.GetJsonAsync($"/api/v1/orgs/{orgId}/webhooks/deliveries/{deliveryId}");
            Assert.Equal("retrying", delivery.GetProperty("status").GetString());
            Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(45)));
        }

        // 3. Redis is lost as well: nothing of the deployment is left there. restore.sh refuses a non-empty database,
        //    then restores into the new one.
        await TestData.DeleteRedisKeysAsync(TestServices.Redis, runId);
        var refused = await OperatorScript.RunAsync("restore.sh", [backup], RestoreEnvironment(live), ScriptTimeout);
        Assert.True(refused.ExitCode != 0 && refused.Stderr.Contains("is not empty", StringComparison.Ordinal), refused.ToString());
        var restoring = await OperatorScript.RunAsync("restore.sh", [backup], RestoreEnvironment(restored), ScriptTimeout);
        output.WriteLine(restoring.ToString());
        Assert.True(restoring.ExitCode == 0, restoring.ToString());
        var retryReminder = (await ReminderMembersAsync(runId)).SingleOrDefault(m => m.Contains(deliveryId, StringComparison.Ordinal) && m.Contains("\"retry\"", StringComparison.Ordinal));
        Assert.True(retryReminder is not null, $"restore.sh put no retry reminder of delivery {deliveryId} in Redis.");
        output.WriteLine($"restored reminder: {retryReminder}");
        Assert.Equal(SchemaMigrator.LatestVersion(StorageDialect.Postgres), await restored.ScalarAsync<int>("SELECT max(version) FROM granary_schema_migrations"));

        // 4. A silo on the restored database. MigrateOnStart=false: it refuses to start unless the schema is current.
        receiver.Accepting = true;
        settings["Granary:Storage:MigrateOnStart"] = "false";
        var restarted = Stopwatch.GetTimestamp();
        await using (var silo = StartSilo("silo-restored", settings, restored))
        {
            await silo.WaitReadyAsync(StartTimeout);
            output.WriteLine($"restored silo ready {Seconds(Stopwatch.GetElapsedTime(restarted))} s after its start");
            using var http = silo.CreateClient();
            var api = await ApiSession.LoginAsync(http, email, Password, register: false);
            await Parallel.ForEachAsync(beforeBackup, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (order, _) =>
            {
                var served = await api.GetAsync($"/api/v1/orgs/{orgId}/orders/{order.Id}");
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(order.Body), JsonNode.Parse(served)), $"Order {order.Id}: acknowledged as {order.Body}, served after the restore as {served}");
            });
            var listed = await ListedOrdersAsync(restored, orgId);
            Assert.Empty(beforeBackup.Select(o => o.Id).Except(listed));

            await WaitForAsync(() => receiver.Received.Any(r => r.WebhookId == deliveryId && r.AnsweredStatus == 200), DeliveryDeadline,
                $"delivery {deliveryId} answered 200 by the receiver after the restore");
            var delivered = receiver.Received.First(r => r.WebhookId == deliveryId && r.AnsweredStatus == 200);
            output.WriteLine($"retrying delivery {deliveryId} delivered {Seconds(Stopwatch.GetElapsedTime(restarted, delivered.At))} s after the restored silo's start; receiver answered: " +
                string.Join(", ", receiver.Received.Where(r => r.WebhookId == deliveryId).Select(r => r.AnsweredStatus)));
            Assert.All(receiver.Received, r => Assert.True(r.SignatureValid, $"webhook {r.WebhookId} failed signature verification"));
            await WaitForAsync(async () => (await api.GetJsonAsync($"/api/v1/orgs/{orgId}/webhooks/deliveries/{deliveryId}")).GetProperty("status").GetString() == "succeeded",
                TimeSpan.FromSeconds(10), $"delivery {deliveryId} recorded as succeeded");
        }
    }

    /// <summary>The cluster profile on one silo, with webhook retries every 2 s (30 of them) to the loopback receiver.</summary>
    private static Dictionary<string, string> Settings(string runId)
    {
        var settings = ClusterSettings.For(runId, DetectionTimings.Defaults);
        settings["Granary:Webhooks:AllowedTargets:0"] = "127.0.0.1/32";
        for (var i = 0; i < 30; i++)
        {
            settings[$"Granary:Webhooks:RetryDelays:{i}"] = "00:00:02";
        }
        return settings;
    }

    private static SiloProcess StartSilo(string name, Dictionary<string, string> settings, ScratchDatabase database)
    {
        var environment = ClusterSettings.AsEnvironment(settings);
        environment["Granary__Storage__Postgres__ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=30";
        return SiloProcess.Start(name, environment);
    }

    private static Dictionary<string, string> BackupEnvironment(ScratchDatabase database, string serviceId) => new()
    {
        ["GRANARY_BACKUP_DATABASE_URL"] = database.LibpqUrl,
        ["PGPASSWORD"] = database.Password,
        ["GRANARY_BACKUP_REDIS_URL"] = TestServices.RedisUrl,
        ["GRANARY_BACKUP_SERVICE_ID"] = serviceId,
    };

    private static Dictionary<string, string> RestoreEnvironment(ScratchDatabase database) => new()
    {
        ["GRANARY_RESTORE_DATABASE_URL"] = database.LibpqUrl,
        ["PGPASSWORD"] = database.Password,
        ["GRANARY_RESTORE_REDIS_URL"] = TestServices.RedisUrl,
    };

    /// <summary>The scripts need PostgreSQL's and Redis's client tools; their absence fails the test, naming them.</summary>
    private static async Task RequireClientToolsAsync()
    {
        foreach (var tool in new[] { "pg_dump", "pg_restore", "psql", "redis-cli" })
        {
            Assert.True(await CommandExistsAsync(tool), $"{tool} is not installed: backup.sh and restore.sh need it (Debian: postgresql-client, which the postgresql package scripts/services.sh installs brings; redis-tools).");
        }
    }

    private static async Task<bool> CommandExistsAsync(string tool)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", $"command -v {tool}"]) { RedirectStandardOutput = true })!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return process.ExitCode == 0;
    }

    private static async Task<string> WaitForRetryingDeliveryAsync(ApiSession api, string orgId, string endpointId)
    {
        string? id = null;
        await WaitForAsync(async () =>
        {
            var page = await api.GetJsonAsync($"/api/v1/orgs/{orgId}/webhooks/{endpointId}/deliveries?status=retrying");
            id = page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetString()).FirstOrDefault();
            return id is not null;
        }, TimeSpan.FromSeconds(15), "the order.cancelled delivery listed as retrying");
        return id!;
    }

    private static async Task<List<string>> ReminderMembersAsync(string serviceId)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis + ",connectTimeout=2000,abortConnect=true");
        var members = await redis.GetDatabase().SortedSetRangeByRankAsync($"{serviceId}/reminders");
        await redis.CloseAsync(allowCommandsToComplete: true);
        return [.. members.Select(m => m.ToString())];
    }

    private static async Task<HashSet<string>> ListedOrdersAsync(ScratchDatabase database, string orgId)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT grain_key FROM granary_order_list WHERE organization_id = $1", connection);
        select.Parameters.AddWithValue(orgId);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0)[(orgId.Length + 1)..]);
        }
        return ids;
    }

    private static object NewOrder(string customerEmail) => new
    {
        lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 5.00m } },
        currency = "EUR",
        customer = new { email = customerEmail, name = "Customer" },
        shippingAddress = new { line1 = "1 Main St", city = "Lyon", postalCode = "69001", country = "FR" },
    };

    private static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what) => WaitForAsync(() => Task.FromResult(condition()), timeout, what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}.");
            }
            await Task.Delay(100);
        }
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
