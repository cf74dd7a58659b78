using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Users;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Scheduling;

/// <summary>
/// Rebuilds the reminder table's rows from stored state: pages through every grain that may hold due work
/// (<see cref="IDueWorkRecords"/>, read with SQL) and asks each to register what its state needs
/// (<see cref="IRestoresReminders.RestoreReminders"/>), a bounded number of calls at a time. A grain that can't be
/// asked is logged and counted; the caller runs the restore again until none fails. Idempotent: a grain whose
/// reminders are there registers nothing.
/// </summary>
internal sealed class ReminderRestore(IDueWorkRecords records, IGrainFactory grains, int batchSize, ILogger logger)
{
    /// <summary>Calls in flight at once.</summary>
    private const int Concurrency = 50;

    public async Task<ReminderRestoreReport> RunAsync(CancellationToken cancellationToken)
    {
        var total = new ReminderRestoreReport(0, 0, 0);
        foreach (var kind in Enum.GetValues<DueWorkKind>())
        {
            var report = await RunAsync(kind, cancellationToken);
            SchedulingLog.RemindersRestored(logger, kind, report.Checked, report.Restored, report.Failed);
            total = new ReminderRestoreReport(total.Checked + report.Checked, total.Restored + report.Restored, total.Failed + report.Failed);
        }
        return total;
    }

    private async Task<ReminderRestoreReport> RunAsync(DueWorkKind kind, CancellationToken cancellationToken)
    {
        int asked = 0, restored = 0, failed = 0;
        string? after = null;
        while (true)
        {
            var keys = await records.KeysAsync(kind, after, batchSize, cancellationToken);
            foreach (var chunk in keys.Chunk(Concurrency))
            {
                var outcomes = await Task.WhenAll(chunk.Select(key => RestoreAsync(kind, key)));
                asked += chunk.Length;
                restored += outcomes.Where(n => n > 0).Sum();
                failed += outcomes.Count(n => n < 0);
            }
            if (keys.Count < batchSize)
            {
                return new ReminderRestoreReport(asked, restored, failed);
            }
            after = keys[^1];
        }
    }

    /// <summary>How many reminders the grain registered again, or -1 when it could not be asked.</summary>
    private async Task<int> RestoreAsync(DueWorkKind kind, string key)
    {
        try
        {
            return await Grain(kind, key).RestoreReminders();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SchedulingLog.RestoreFailed(logger, exception, kind, key);
            return -1;
        }
    }

    private IRestoresReminders Grain(DueWorkKind kind, string key) => kind switch
    {
        DueWorkKind.PendingOrders => grains.GetGrain<IOrderGrain>(key),
        DueWorkKind.UnfinishedWebhookDeliveries => grains.GetGrain<IWebhookDeliveryGrain>(key),
        DueWorkKind.UnfinishedEmailJobs => grains.GetGrain<IEmailJobGrain>(key),
        DueWorkKind.Users => grains.GetGrain<IUserGrain>(key),
        DueWorkKind.DailySummaries => grains.GetGrain<IDailySummaryGrain>(key),
        DueWorkKind.WebhookEndpoints => grains.GetGrain<IWebhookEndpointsGrain>(key),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No grain restores this kind of work."),
    };
}
