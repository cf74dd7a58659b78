using System.Diagnostics.Metrics;
using Granary.Runtime.Stats;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Runtime;

public sealed class StatisticsTests
{
    [Fact]
    public async Task Snapshot_CountsCallsErrorsAndActivationsPerTypeAndMethod()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        for (var i = 0; i < 5; i++)
        {
            await cluster.GrainFactory.GetGrain<ICallerGrain>($"stats-{i}").Ping();
        }
        await Assert.ThrowsAsync<GrainTestException>(() => cluster.GrainFactory.GetGrain<ICallerGrain>("stats-0").Throw("x"));

        var snapshot = cluster.Primary.Statistics.GetSnapshot();

        var ping = Assert.Single(snapshot.Methods, m => m.GrainType == "caller" && m.MethodName == "Ping");
        Assert.Equal(5, ping.Calls);
        Assert.Equal(0, ping.Errors);
        Assert.Equal(5, ping.Latency.Count);
        var thrown = Assert.Single(snapshot.Methods, m => m.GrainType == "caller" && m.MethodName == "Throw");
        Assert.Equal(1, thrown.Errors);
        Assert.Equal(5, Assert.Single(snapshot.Activations, a => a.GrainType == "caller").Count);
    }

    [Fact]
    public async Task Metrics_ArePublishedOnTheGranaryMeter()
    {
        var measurements = new List<(string Instrument, double Value, string? Method)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeStatistics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        await cluster.GrainFactory.GetGrain<ICallerGrain>("metered").Ping();
        listener.RecordObservableInstruments();

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "granary.grain.call.duration" && m.Method!.EndsWith(".Ping", StringComparison.Ordinal));
            Assert.Contains(measurements, m => m.Instrument == "granary.grain.calls" && m.Method!.EndsWith(".Ping", StringComparison.Ordinal) && m.Value == 1);
            Assert.Contains(measurements, m => m.Instrument == "granary.activations" && m.Value >= 1);
        }

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? method = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "grain.method")
                {
                    method = tag.Value as string;
                }
            }
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, method));
            }
        }
    }
}
