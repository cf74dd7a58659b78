using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Granary.Runtime.Stats;

/// <summary>
/// The counters of one silo. Grain code never touches them: the runtime records every call, activation and
/// reminder tick. Published as <see cref="System.Diagnostics.Metrics"/> instruments on the meter "Granary.Runtime"
/// and readable from code with <see cref="GetSnapshot"/>.
/// </summary>
public sealed class RuntimeStatistics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "Granary.Runtime";

    private readonly ConcurrentDictionary<(string, string, string), GrainMethodStats> _methods = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _activations = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _reminderLateness;
    private long _remindersRegistered = -1;
    private long _remindersFired;
    private long _remindersFailed;
    private long _remindersAbandoned;

    public RuntimeStatistics(TimeProvider time, string siloName)
    {
        _time = time;
        _meter = new Meter(new MeterOptions(MeterName) { Tags = [new("silo", siloName)] });
        _callDuration = _meter.CreateHistogram<double>("granary.grain.call.duration", "ms", "Grain call latency, from send to completion.");
        _reminderLateness = _meter.CreateHistogram<double>("granary.reminder.lateness", "ms", "Delay between a reminder tick's due time and its delivery.");
        _meter.CreateObservableCounter("granary.grain.calls", () => _methods.Values.Select(m => new Measurement<long>(m.Calls, m.Tags)), description: "Grain calls completed.");
        _meter.CreateObservableCounter("granary.grain.errors", () => _methods.Values.Select(m => new Measurement<long>(m.Errors, m.Tags)), description: "Grain calls that threw or timed out.");
        _meter.CreateObservableGauge("granary.activations", () => _activations.Select(a => new Measurement<long>(Volatile.Read(ref a.Value.Value), new KeyValuePair<string, object?>("grain.type", a.Key))), description: "Live activations.");
        _meter.CreateObservableGauge("granary.reminders.registered", () => Volatile.Read(ref _remindersRegistered), description: "Rows in the reminder table.");
        _meter.CreateObservableCounter("granary.reminders.fired", () => Volatile.Read(ref _remindersFired), description: "Reminder ticks delivered.");
        _meter.CreateObservableCounter("granary.reminders.failed", () => Volatile.Read(ref _remindersFailed), description: "Reminder ticks that failed.");
        _meter.CreateObservableCounter("granary.reminders.abandoned", () => Volatile.Read(ref _remindersAbandoned), description: "One-shot reminders dropped after their last retry.");
    }

    /// <summary>Reminder lateness histogram.</summary>
    public LatencyHistogram ReminderLateness { get; } = new();

    internal GrainMethodStats ForMethod(string grainType, string interfaceName, string methodName) =>
        _methods.GetOrAdd((grainType, interfaceName, methodName), static key => new GrainMethodStats(key.Item1, key.Item2, key.Item3));

    internal void RecordCall(GrainMethodStats stats, double microseconds, bool failed)
    {
        stats.Record(microseconds, failed);
        if (_callDuration.Enabled)
        {
            _callDuration.Record(microseconds / 1000.0, stats.Tags);
        }
    }

    internal void ActivationCreated(string grainType) =>
        Interlocked.Increment(ref _activations.GetOrAdd(grainType, static _ => new StrongBox<long>()).Value);

    internal void ActivationDestroyed(string grainType) =>
        Interlocked.Decrement(ref _activations.GetOrAdd(grainType, static _ => new StrongBox<long>()).Value);

    internal void ReminderFired(TimeSpan lateness)
    {
        Interlocked.Increment(ref _remindersFired);
        var ms = Math.Max(0, lateness.TotalMilliseconds);
        ReminderLateness.Record(ms * 1000);
        _reminderLateness.Record(ms);
    }

    internal void ReminderFailed() => Interlocked.Increment(ref _remindersFailed);

    internal void ReminderAbandoned() => Interlocked.Increment(ref _remindersAbandoned);

    internal void RemindersRegistered(long count) => Volatile.Write(ref _remindersRegistered, count);

    /// <summary>A copy of every counter.</summary>
    public RuntimeStatisticsSnapshot GetSnapshot() => new(
        _time.GetUtcNow(),
        _methods.Values
            .Select(m => new GrainMethodSnapshot(m.GrainType, m.InterfaceName, m.MethodName, m.Calls, m.Errors, m.Latency.Snapshot()))
            .OrderBy(m => m.GrainType, StringComparer.Ordinal).ThenBy(m => m.MethodName, StringComparer.Ordinal)
            .ToList(),
        _activations.Select(a => new ActivationCountSnapshot(a.Key, Volatile.Read(ref a.Value.Value)))
            .OrderBy(a => a.GrainType, StringComparer.Ordinal)
            .ToList(),
        new ReminderStatisticsSnapshot(
            Volatile.Read(ref _remindersRegistered),
            Volatile.Read(ref _remindersFired),
            Volatile.Read(ref _remindersFailed),
            Volatile.Read(ref _remindersAbandoned),
            ReminderLateness.Snapshot()));

    public void Dispose() => _meter.Dispose();

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
