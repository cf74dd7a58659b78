using Granary.Runtime.Hosting;

namespace Granary.Runtime.Activations;

/// <summary>
/// Every collection quantum, deactivates activations idle for longer than their collection age
/// (<see cref="SiloOptions.CollectionAge"/>, or [CollectionAgeLimit] on the class).
/// </summary>
internal sealed class ActivationCollector : IDisposable
{
    private readonly SiloRuntime _runtime;
    private readonly ITimer _timer;

    public ActivationCollector(SiloRuntime runtime)
    {
        _runtime = runtime;
        _timer = runtime.Time.CreateTimer(static s => ((ActivationCollector)s!).Collect(), this, runtime.Options.CollectionQuantum, Timeout.InfiniteTimeSpan);
    }

    /// <summary>One pass over the catalog; returns how many activations it started deactivating.</summary>
    public int CollectNow()
    {
        var now = _runtime.Time.GetTimestamp();
        var count = 0;
        foreach (var target in _runtime.Catalog.Targets)
        {
            count += target.CollectIdle(now, _runtime.Options.CollectionAge);
        }
        if (count > 0)
        {
            _runtime.Log.IdleCollected(count);
        }
        return count;
    }

    private void Collect()
    {
        try
        {
            CollectNow();
        }
        finally
        {
            _timer.Change(_runtime.Options.CollectionQuantum, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();
}
