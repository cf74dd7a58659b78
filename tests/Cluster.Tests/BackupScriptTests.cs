using Granary.Cluster.Tests.Infrastructure;
using Granary.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// scripts/backup.sh and scripts/restore.sh on their own, against a database with Granary's schema and a reminder set
/// written here in Orleans's Redis layout: retention, what a failed run leaves, and what restore.sh refuses.
/// (<see cref="BackupRestoreTests"/> runs them on a live silo.)
/// </summary>
public sealed class BackupScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Two reminders as Orleans's Redis table writes them; the second's grain key holds a quote and commas.</summary>
    private static readonly string[] Reminders =
    [
        "\"0A1B2C3D\",\"order/org1/ord1\",\"auto-cancel\",\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"2026-12-07T06:30:24.5442377Z\",\"00:01:00\"",
        "\"F0E1D2C3\",\"webhookdelivery/org1/msg_\\\",\\\"x\",\"retry\",\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"2026-12-07T06:31:00.0000000Z\",\"00:01:00\"",
    ];

    [Fact]
    public async Task Backup_KeepsTheNewestN_AndAFailedRunLeavesNoPartialBackupAndRemovesNone()
    {
        await using var fixture = await ScriptFixture.StartAsync();
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var result = await BackupAsync(fixture, keep: 2);
            Assert.True(result.ExitCode == 0, result.ToString());
            made.Add(result.Stdout.Trim());
        }
        Assert.Equal(made.Skip(1).Order(StringComparer.Ordinal), Backups(fixture.Directory));
        Assert.Equal(Reminders.Order(StringComparer.Ordinal), File.ReadAllLines(Path.Combine(made[^1], "reminders.txt")).Order(StringComparer.Ordinal));

        var environment = fixture.BackupEnvironment();
        environment["GRANARY_BACKUP_REDIS_URL"] = "redis://127.0.0.1:1";
        var failed = await OperatorScript.RunAsync("backup.sh", ["--dir", fixture.Directory, "--keep", "1"], environment, ScriptTimeout);
        output.WriteLine(failed.ToString());
        Assert.True(failed.ExitCode != 0 && failed.Stdout.Length == 0, failed.ToString());
        Assert.Equal(made.Skip(1).Order(StringComparer.Ordinal), Backups(fixture.Directory));
        Assert.Empty(Directory.GetFileSystemEntries(fixture.Directory, "*.partial"));
    }

    [Fact]
    public async Task Restore_RefusesADamagedBackup_AndAnExistingReminderSetUnlessReplacing()
    {
        await using var fixture = await ScriptFixture.StartAsync();
        var made = await BackupAsync(fixture, keep: 1);
        Assert.True(made.ExitCode == 0, made.ToString());
        var backup = made.Stdout.Trim();
        await using var target = await ScratchDatabase.CreateAsync(fixture.RunId + "_target");

        var damaged = Path.Combine(fixture.Directory, "damaged");
        Directory.CreateDirectory(damaged);
        foreach (var file in Directory.GetFiles(backup))
        {
            File.Copy(file, Path.Combine(damaged, Path.GetFileName(file)));
        }
        await using (var dump = File.Open(Path.Combine(damaged, "database.dump"), FileMode.Open))
        {
            dump.Seek(-1, SeekOrigin.End);
            var last = dump.ReadByte();
            dump.Seek(-1, SeekOrigin.End);
            dump.WriteByte((byte)(last ^ 0xFF));
        }
        var refusedDamaged = await OperatorScript.RunAsync("restore.sh", [damaged], fixture.RestoreEnvironment(target), ScriptTimeout);
        Assert.True(refusedDamaged.ExitCode != 0 && refusedDamaged.Stderr.Contains("checksums", StringComparison.Ordinal), refusedDamaged.ToString());

        // The live deployment's reminder set is still in Redis: restore.sh leaves it, and the database, untouched.
        var refusedReminders = await OperatorScript.RunAsync("restore.sh", [backup], fixture.RestoreEnvironment(target), ScriptTimeout);
        Assert.True(refusedReminders.ExitCode != 0 && refusedReminders.Stderr.Contains("--replace-reminders", StringComparison.Ordinal), refusedReminders.ToString());
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));

        await fixture.WriteRemindersAsync(["\"00000001\",\"order/org1/newer\",\"auto-cancel\",\"5f1d2c3b-0000-4000-8000-000000000001\",\"2026-12-08T00:00:00.0000000Z\",\"00:01:00\""]);
        var replaced = await OperatorScript.RunAsync("restore.sh", [backup, "--replace-reminders"], fixture.RestoreEnvironment(target), ScriptTimeout);
        output.WriteLine(replaced.ToString());
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal(Reminders.Order(StringComparer.Ordinal), (await fixture.ReadRemindersAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(SchemaMigrator.LatestVersion(StorageDialect.Postgres), await target.ScalarAsync<int>("SELECT max(version) FROM granary_schema_migrations"));
    }

    private async Task<ScriptResult> BackupAsync(ScriptFixture fixture, int keep)
    {
        var result = await OperatorScript.RunAsync("backup.sh", ["--dir", fixture.Directory, "--keep", keep.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            fixture.BackupEnvironment(), ScriptTimeout);
        output.WriteLine(result.ToString());
        return result;
    }

    /// <summary>Names of the complete backups in <paramref name="directory"/>, as full paths, in order.</summary>
    private static IEnumerable<string> Backups(string directory) =>
        Directory.GetDirectories(directory, "granary-*").Where(d => File.Exists(Path.Combine(d, "manifest"))).Order(StringComparer.Ordinal);

    /// <summary>A migrated scratch database, a reminder set of the run's service id holding <see cref="Reminders"/>, and a backup directory; all removed on dispose.</summary>
    private sealed class ScriptFixture : IAsyncDisposable
    {
        private ScriptFixture(string runId, ScratchDatabase database)
        {
            RunId = runId;
            Database = database;
            Directory = System.IO.Directory.CreateTempSubdirectory("granary-backups-").FullName;
        }

        public string RunId { get; }

        public ScratchDatabase Database { get; }

        public string Directory { get; }

        public static async Task<ScriptFixture> StartAsync()
        {
            await TestServices.RequireBothAsync();
            var runId = ClusterSettings.NewRunId("bs");
            var database = await ScratchDatabase.CreateAsync($"granary_{runId}");
            var fixture = new ScriptFixture(runId, database);
            try
            {
                await new SchemaMigrator(StorageDialect.Postgres, database.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
                await fixture.WriteRemindersAsync(Reminders);
                return fixture;
            }
            catch
            {
                await fixture.DisposeAsync();
                throw;
            }
        }

        public Dictionary<string, string> BackupEnvironment() => new()
        {
            ["GRANARY_BACKUP_DATABASE_URL"] = Database.LibpqUrl,
            ["PGPASSWORD"] = Database.Password,
            ["GRANARY_BACKUP_REDIS_URL"] = TestServices.RedisUrl,
            ["GRANARY_BACKUP_SERVICE_ID"] = RunId,
        };

        public Dictionary<string, string> RestoreEnvironment(ScratchDatabase target) => new()
        {
            ["GRANARY_RESTORE_DATABASE_URL"] = target.LibpqUrl,
            ["PGPASSWORD"] = target.Password,
            ["GRANARY_RESTORE_REDIS_URL"] = TestServices.RedisUrl,
        };

        /// <summary>Replaces the run's reminder set with <paramref name="members"/>.</summary>
        public async Task WriteRemindersAsync(IEnumerable<string> members)
        {
            using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis + ",connectTimeout=2000,abortConnect=true");
            var db = redis.GetDatabase();
            await db.KeyDeleteAsync(RemindersKey);
            await db.SortedSetAddAsync(RemindersKey, [.. members.Select(m => new SortedSetEntry(m, 0))]);
            await redis.CloseAsync(allowCommandsToComplete: true);
        }

        public async Task<List<string>> ReadRemindersAsync()
        {
            using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis + ",connectTimeout=2000,abortConnect=true");
            var members = await redis.GetDatabase().SortedSetRangeByRankAsync(RemindersKey);
            await redis.CloseAsync(allowCommandsToComplete: true);
            return [.. members.Select(m => m.ToString())];
        }

        public async ValueTask DisposeAsync()
        {
            await TestData.DeleteRedisKeysAsync(TestServices.Redis, RunId);
            await Database.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        private string RemindersKey => $"{RunId}/reminders";
    }
}
