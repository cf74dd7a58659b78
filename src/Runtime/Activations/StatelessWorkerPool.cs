using Granary.Runtime.Messaging;

namespace Granary.Runtime.Activations;

/// <summary>
/// The local activations of one [StatelessWorker] grain id. A request goes to an idle worker; when every worker is
/// busy and the pool is below its limit a new worker is added; at the limit the least loaded worker queues it.
/// Idle workers are collected like any activation.
/// </summary>
internal sealed class StatelessWorkerPool : IRequestTarget
{
    private readonly List<ActivationData> _workers = [];
    private readonly GrainClassInfo _info;
    private readonly SiloRuntime _runtime;
    private bool _closed;

    public StatelessWorkerPool(GrainId id, GrainClassInfo info, SiloRuntime runtime)
    {
        Id = id;
        _info = info;
        _runtime = runtime;
    }

    public GrainId Id { get; }

    /// <summary>Current number of workers.</summary>
    public int WorkerCount
    {
        get
        {
            lock (_workers)
            {
                return _workers.Count;
            }
        }
    }

    public bool IsGone
    {
        get
        {
            lock (_workers)
            {
                return _closed;
            }
        }
    }

    public void Start()
    {
    }

    public bool TryEnqueue(GrainRequest request)
    {
        while (true)
        {
            ActivationData worker;
            lock (_workers)
            {
                if (_closed)
                {
                    return false;
                }
                worker = Choose();
            }
            if (worker.TryEnqueue(request))
            {
                return true;
            }
            Remove(worker);
        }
    }

    /// <summary>Idle worker first; else a new one below the limit; else the least loaded. Caller holds the lock.</summary>
    private ActivationData Choose()
    {
        ActivationData? leastLoaded = null;
        var leastLoad = int.MaxValue;
        foreach (var worker in _workers)
        {
            var load = worker.Load;
            if (load == 0 && worker.State is ActivationState.Active or ActivationState.Activating or ActivationState.Creating)
            {
                return worker;
            }
            if (load < leastLoad)
            {
                leastLoad = load;
                leastLoaded = worker;
            }
        }
        if (leastLoaded is null || _workers.Count < _info.MaxLocalWorkers)
        {
            var created = new ActivationData(Id, _info, _runtime, this);
            _workers.Add(created);
            created.Start();
            return created;
        }
        return leastLoaded;
    }

    public void Remove(ActivationData worker)
    {
        bool empty;
        lock (_workers)
        {
            _workers.Remove(worker);
            empty = _workers.Count == 0;
            if (empty)
            {
                _closed = true;
            }
        }
        if (empty)
        {
            _runtime.Catalog.Remove(this);
        }
    }

    private ActivationData[] Snapshot()
    {
        lock (_workers)
        {
            return [.. _workers];
        }
    }

    public void ExpireRequests(long now)
    {
        foreach (var worker in Snapshot())
        {
            worker.ExpireRequests(now);
        }
    }

    public int CollectIdle(long now, TimeSpan defaultAge) => Snapshot().Sum(w => w.CollectIdle(now, defaultAge));

    public Task DeactivateAsync(DeactivationReason reason)
    {
        var workers = Snapshot();
        if (workers.Length == 0)
        {
            lock (_workers)
            {
                _closed = true;
            }
            _runtime.Catalog.Remove(this);
            return Task.CompletedTask;
        }
        return Task.WhenAll(workers.Select(w => w.DeactivateAsync(reason)));
    }
}
