using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Granary.Grains.Emails;

namespace Granary.Grains.Tests.Emails;

/// <summary>Sums the "Granary.Jobs" counters with kind=email of one silo (its meter factory), while alive.</summary>
internal sealed class JobCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    public JobCounters(IMeterFactory silo)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Granary.Grains.Jobs.JobMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, silo))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "kind", Value: "email" })
                {
                    _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    public long this[string name] => _totals.GetValueOrDefault(name);

    public void Dispose() => _listener.Dispose();
}
