using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Scheduling;

/// <summary>
/// Schedules the maintenance sweep once the silo runs: after the host has started (the silo has started and, when
/// clustered, joined — Orleans's silo hosted service) it calls <see cref="IMaintenanceGrain.Ensure"/> in the background,
/// retrying with doubling delays a bounded number of times, then again every <see cref="JobsOptions.ReminderCheckInterval"/>: a reminder
/// table that loses its rows while the silos run (Redis FLUSHALL) is restored within that time. Start-up never waits for
/// it; every silo does it, and Ensure is idempotent, so one success anywhere is enough.
/// </summary>
internal sealed class MaintenanceStartup(
    IGrainFactory grains,
    IOptions<JobsOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<MaintenanceStartup> logger) : IHostedService, IDisposable
{
    private const int MaxAttempts = 8;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenRegistration _started;
    private Task _run = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(() => _run = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Drops the start-up registration. The stop token is not disposed: the host may call <see cref="StopAsync"/> after
    /// disposing its services (seen when a test host is torn down), and a token source without a timer holds nothing
    /// that needs disposing.
    /// </summary>
    public void Dispose() => _started.Dispose();

    private async Task RunAsync(CancellationToken stopping)
    {
        await EnsureAtStartAsync(stopping);
        // Real time, as below.
        var interval = options.Value.ReminderCheckInterval;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global).Ensure();
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    SchedulingLog.CheckFailed(logger, exception, interval);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task EnsureAtStartAsync(CancellationToken stopping)
    {
        var delay = FirstDelay;
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IMaintenanceGrain>(MaintenanceKey.Global).Ensure();
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                if (attempt >= MaxAttempts)
                {
                    SchedulingLog.EnsureGivenUp(logger, exception, attempt);
                    return;
                }
                SchedulingLog.EnsureRetrying(logger, exception, attempt, delay);
            }
            // Real time: these retries wait for the silo, not for the grains' (possibly fake) clock.
            await Task.Delay(delay, stopping);
            delay *= 2;
        }
    }
}
