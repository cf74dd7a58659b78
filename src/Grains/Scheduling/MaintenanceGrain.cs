using Granary.Grains.Orders;
using Granary.Grains.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Scheduling;

/// <summary>
/// The periodic clean-up (one grain, keyed "global"): on every tick of its reminder it reads expired keys from
/// <see cref="IExpiredRecords"/> in bounded batches and tells each grain to forget itself. A key that can't be
/// forgotten now is logged and found again by the next sweep; nothing here needs state of its own. Its reminder missing
/// is how the cluster learns that the reminder table lost its rows (<see cref="Ensure"/>).
/// </summary>
[GrainType("maintenance")]
public sealed class MaintenanceGrain(
    IExpiredRecords expired,
    IDueWorkRecords dueWork,
    IOptions<JobsOptions> options,
    ILogger<MaintenanceGrain> logger,
    TimeProvider time) : Grain, IMaintenanceGrain, IRemindable
{
    public const string ReminderName = "maintenance";

    /// <summary>Forget calls in flight at once, so a large batch finishes well within the tick's deadline.</summary>
    private const int ConcurrentForgets = 50;

    private JobsOptions Options => options.Value;

    public async Task<ReminderRestoreReport?> Ensure()
    {
        // Every silo calls this: re-registering an existing reminder would push its next tick back each time. A changed
        // interval is applied at the next tick, which carries the period it was registered with.
        if (await this.GetReminder(ReminderName) is not null)
        {
            return null;
        }
        // The reminder table is new or lost its rows. This turn holds the grain until the restore ends: calls from other
        // silos queue behind it and then find the reminder registered.
        SchedulingLog.RestoreStarting(logger);
        var report = await new ReminderRestore(dueWork, GrainFactory, Options.MaintenanceBatchSize, logger).RunAsync(CancellationToken.None);
        SchedulingLog.RestoreDone(logger, report.Checked, report.Restored, report.Failed);
        if (report.Failed == 0)
        {
            await this.RegisterOrUpdateReminder(ReminderName, Options.MaintenanceInterval, Options.MaintenanceInterval);
        }
        return report;
    }

    public Task<MaintenanceReport> RunNow() => Sweep();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }
        if (status.Period != Options.MaintenanceInterval)
        {
            await this.RegisterOrUpdateReminder(ReminderName, Options.MaintenanceInterval, Options.MaintenanceInterval);
        }
        await Sweep();
    }

    private async Task<MaintenanceReport> Sweep()
    {
        var now = time.GetUtcNow();
        var (families, familiesDone) = await ForgetAll(
            "refresh-token family",
            (after, limit) => expired.RefreshTokenFamilyKeysAsync(now, after, limit, CancellationToken.None),
            key => GrainFactory.GetGrain<IRefreshTokenFamilyGrain>(key).Forget(now));
        var report = new MaintenanceReport(families, familiesDone);
        SchedulingLog.SweepDone(logger, report.RefreshTokenFamilies, report.Complete);
        return report;
    }

    /// <summary>Pages through the expired keys (at most MaintenanceMaxBatches pages) and forgets each; returns how many were forgotten and whether the last page was reached.</summary>
    private async Task<(int Forgotten, bool Complete)> ForgetAll(
        string kind, Func<string?, int, Task<IReadOnlyList<string>>> page, Func<string, Task> forget)
    {
        var forgotten = 0;
        string? after = null;
        for (var batch = 0; batch < Options.MaintenanceMaxBatches; batch++)
        {
            var keys = await page(after, Options.MaintenanceBatchSize);
            foreach (var chunk in keys.Chunk(ConcurrentForgets))
            {
                var outcomes = await Task.WhenAll(chunk.Select(key => TryForget(kind, key, forget)));
                forgotten += outcomes.Count(done => done);
            }
            if (keys.Count < Options.MaintenanceBatchSize)
            {
                return (forgotten, true);
            }
            after = keys[^1];
        }
        return (forgotten, false);
    }

    private async Task<bool> TryForget(string kind, string key, Func<string, Task> forget)
    {
        try
        {
            await forget(key);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SchedulingLog.ForgetFailed(logger, exception, kind, key);
            return false;
        }
    }
}
