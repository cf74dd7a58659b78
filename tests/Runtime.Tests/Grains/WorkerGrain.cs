namespace Granary.Runtime.Tests.Grains;

public interface IWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Waits on the shared gate, then returns the id of the worker activation that ran it.</summary>
    Task<Guid> Work();
}

/// <summary>Held shut by the test so that calls pile up on the workers.</summary>
public sealed class WorkerGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public async Task PassAsync()
    {
        Interlocked.Increment(ref _waiting);
        await _open.Task;
        Interlocked.Decrement(ref _waiting);
    }

    public void Open() => _open.TrySetResult();
}

[StatelessWorker(4)]
public sealed class WorkerGrain(WorkerGate gate) : Grain, IWorkerGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<Guid> Work()
    {
        await gate.PassAsync();
        return _activationId;
    }
}
