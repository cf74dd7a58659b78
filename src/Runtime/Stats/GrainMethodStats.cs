namespace Granary.Runtime.Stats;

/// <summary>Call count, error count and latency of one method of one grain type on one silo.</summary>
public sealed class GrainMethodStats
{
    private long _errors;

    internal GrainMethodStats(string grainType, string interfaceName, string methodName)
    {
        GrainType = grainType;
        InterfaceName = interfaceName;
        MethodName = methodName;
        Tags = [new("grain.type", grainType), new("grain.method", $"{interfaceName}.{methodName}")];
    }

    public string GrainType { get; }

    public string InterfaceName { get; }

    public string MethodName { get; }

    /// <summary>Calls completed (the latency histogram counts each once).</summary>
    public long Calls => Latency.Count;

    public long Errors => Volatile.Read(ref _errors);

    public LatencyHistogram Latency { get; } = new();

    internal KeyValuePair<string, object?>[] Tags { get; }

    internal void Record(double microseconds, bool failed)
    {
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }
        Latency.Record(microseconds);
    }
}
