using Granary.Runtime.Hosting;

namespace Granary.Runtime.Reminders;

/// <summary>Firing claimed ticks at their due time and recording the outcome.</summary>
internal sealed partial class ReminderService
{
    private sealed record ScheduledTick(ReminderEntry Entry, ITimer Timer);

    private void Schedule(ReminderEntry entry)
    {
        var delay = entry.DueTime - Time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            _ = FireAsync(entry);
            return;
        }

        var key = (entry.GrainId, entry.Name);
        using var noFlow = ExecutionContext.SuppressFlow();
        var timer = Time.CreateTimer(static state =>
        {
            var (service, claimed) = ((ReminderService, ReminderEntry))state!;
            if (!service._scheduled.TryGetValue((claimed.GrainId, claimed.Name), out var tick) || tick.Entry.Version != claimed.Version)
            {
                return;
            }
            // Timers may wake a little before the wall clock reaches the due time; a reminder never fires early.
            var early = claimed.DueTime - service.Time.GetUtcNow();
            if (early > TimeSpan.Zero)
            {
                tick.Timer.Change(early + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return;
            }
            if (service._scheduled.TryRemove(new KeyValuePair<(GrainId, string), ScheduledTick>((claimed.GrainId, claimed.Name), tick)))
            {
                tick.Timer.Dispose();
                _ = service.FireAsync(claimed);
            }
        }, (this, entry), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        if (_scheduled.TryGetValue(key, out var previous))
        {
            previous.Timer.Dispose();
        }
        _scheduled[key] = new ScheduledTick(entry, timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Forgets a locally scheduled tick of a reminder being re-registered or removed, so the old schedule can't fire.</summary>
    private void Unschedule(GrainId grainId, string name)
    {
        if (_scheduled.TryRemove((grainId, name), out var tick))
        {
            tick.Timer.Dispose();
        }
    }

    private async Task FireAsync(ReminderEntry entry)
    {
        Interlocked.Increment(ref _inFlight);
        await _deliverySlots.WaitAsync();
        try
        {
            var attempt = entry.Attempt + 1;
            var tick = new ReminderTick(entry.DueTime, attempt, entry.Period);
            Exception? failure = null;
            try
            {
                _runtime.Statistics.ReminderFired(Time.GetUtcNow() - entry.DueTime);
                await _runtime.Dispatcher.SendAsync(entry.GrainId, new ReceiveReminderRequest(entry.Name, tick));
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            await RecordOutcomeAsync(entry, attempt, failure);
        }
        finally
        {
            _deliverySlots.Release();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RecordOutcomeAsync(ReminderEntry entry, int attempt, Exception? failure)
    {
        try
        {
            var now = Time.GetUtcNow();
            if (failure is null)
            {
                await _table.CompleteAsync(entry, NextDue(entry, now), CancellationToken.None);
                return;
            }

            _runtime.Statistics.ReminderFailed();
            if (entry.Period is not null)
            {
                var next = NextDue(entry, now)!.Value;
                _log.ReminderFailed(failure, entry.GrainId, entry.Name, attempt, next);
                await _table.CompleteAsync(entry, next, CancellationToken.None);
            }
            else if (attempt >= _options.MaxAttempts)
            {
                _runtime.Statistics.ReminderAbandoned();
                _log.ReminderAbandoned(failure, entry.GrainId, entry.Name, attempt);
                await _table.CompleteAsync(entry, null, CancellationToken.None);
            }
            else
            {
                var next = now + _options.BackoffFor(attempt + 1);
                _log.ReminderFailed(failure, entry.GrainId, entry.Name, attempt, next);
                await _table.RetryAsync(entry, next, attempt, CancellationToken.None);
                if (next - now <= LookAhead)
                {
                    Wake();
                }
            }
        }
        catch (Exception ex)
        {
            _log.ReminderUpdateFailed(ex, entry.GrainId, entry.Name);
        }
    }

    /// <summary>
    /// The next due time of a periodic reminder: the first instant of its schedule (due + k × period) after now, so a
    /// reminder that missed several ticks fires once, late, then keeps its period. Null for a one-shot reminder.
    /// </summary>
    internal static DateTimeOffset? NextDue(ReminderEntry entry, DateTimeOffset now)
    {
        if (entry.Period is not { } period)
        {
            return null;
        }
        var next = entry.DueTime + period;
        if (next > now)
        {
            return next;
        }
        var missed = (long)Math.Floor((now - entry.DueTime).Ticks / (double)period.Ticks);
        next = entry.DueTime + TimeSpan.FromTicks(period.Ticks * (missed + 1));
        return next > now ? next : next + period;
    }

    /// <summary>Hands a claimed, unfired tick back to the table at its original due time (graceful stop).</summary>
    private async Task ReleaseAsync(ReminderEntry entry)
    {
        try
        {
            await _table.RetryAsync(entry, entry.DueTime, entry.Attempt, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _log.ReminderUpdateFailed(ex, entry.GrainId, entry.Name);
        }
    }
}
