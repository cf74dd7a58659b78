using System.Runtime.CompilerServices;

namespace Granary.Engine.Bench.Measurement;

/// <summary>An awaitable that always continues on a thread-pool thread, like a request posted to an activation.</summary>
internal sealed class ThreadPoolHop : ICriticalNotifyCompletion
{
    public static readonly ThreadPoolHop Instance = new();

    public bool IsCompleted => false;

    public ThreadPoolHop GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
