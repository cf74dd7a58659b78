using System.Collections.Concurrent;

namespace Granary.Runtime.Activations;

/// <summary>The activations of one silo, by grain id. Creates an activation on the first request for its grain.</summary>
internal sealed class Catalog
{
    private readonly ConcurrentDictionary<GrainId, IRequestTarget> _targets = new();
    private readonly SiloRuntime _runtime;
    private volatile bool _closed;

    public Catalog(SiloRuntime runtime) => _runtime = runtime;

    /// <summary>Number of grain ids with a live activation or worker pool.</summary>
    public int Count => _targets.Count;

    public ICollection<IRequestTarget> Targets => _targets.Values;

    /// <summary>True once the silo stopped taking new activations (stopping, or fenced).</summary>
    public bool IsClosed => _closed;

    /// <summary>Takes no new activations from now on.</summary>
    public void Close() => _closed = true;

    public IRequestTarget GetOrCreate(GrainId grainId, GrainClassInfo info)
    {
        if (_targets.TryGetValue(grainId, out var existing))
        {
            if (!existing.IsGone)
            {
                return existing;
            }
            // Gone but not yet removed by itself (a dead activation, or a worker pool whose last worker just left,
            // remove themselves right after): take its place now instead of handing it out again, which would fail
            // every retry of a call arriving in between.
            _targets.TryRemove(KeyValuePair.Create(grainId, existing));
        }
        if (_closed)
        {
            throw new SiloUnavailableException($"Silo {_runtime.LocalSilo} is shutting down and takes no new activations ({grainId}).");
        }

        IRequestTarget created = info.IsStatelessWorker
            ? new StatelessWorkerPool(grainId, info, _runtime)
            : new ActivationData(grainId, info, _runtime);
        var actual = _targets.GetOrAdd(grainId, created);
        if (ReferenceEquals(actual, created))
        {
            created.Start();
        }
        return actual;
    }

    public bool TryGet(GrainId grainId, out IRequestTarget target) => _targets.TryGetValue(grainId, out target!);

    public void Remove(ActivationData activation)
    {
        if (activation.Pool is { } pool)
        {
            pool.Remove(activation);
            return;
        }
        _targets.TryRemove(KeyValuePair.Create(activation.Id, (IRequestTarget)activation));
    }

    public void Remove(StatelessWorkerPool pool) =>
        _targets.TryRemove(KeyValuePair.Create(pool.Id, (IRequestTarget)pool));

    /// <summary>Deactivates the activations of grains this silo no longer owns; their queued calls follow them to the new owner.</summary>
    public int DeactivateNotOwned(Func<GrainId, bool> owned)
    {
        var count = 0;
        foreach (var target in _targets.Values)
        {
            if (target is ActivationData activation && !owned(activation.Id))
            {
                activation.Deactivate(new DeactivationReason(DeactivationReasonCode.PlacementChanged, "another silo owns this grain in the new cluster view"));
                count++;
            }
        }
        return count;
    }

    /// <summary>Stops creating activations and deactivates every live one.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason)
    {
        _closed = true;
        while (!_targets.IsEmpty)
        {
            await Task.WhenAll(_targets.Values.Select(t => t.DeactivateAsync(reason)));
        }
    }
}
