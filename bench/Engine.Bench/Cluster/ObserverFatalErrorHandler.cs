namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// The fatal-error handler of silo A, the bench process. Orleans's own handler ends the process (FailFast), which is
/// right for a silo declared dead but would also end the bench and lose every figure measured so far. This one
/// records the error instead: the scenario that owns silo A checks <see cref="Error"/> and fails that run only.
/// </summary>
internal sealed class ObserverFatalErrorHandler : IFatalErrorHandler
{
    private string? _error;

    /// <summary>The first fatal error Orleans reported, or null.</summary>
    public string? Error => Volatile.Read(ref _error);

    public bool IsUnexpected(Exception exception) => true;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        var message = $"silo A (this process) had a fatal error from {sender}: {context} {exception?.Message}";
        Interlocked.CompareExchange(ref _error, message, null);
        Console.Error.WriteLine($"bench: {message}");
    }

    /// <summary>Throws when Orleans reported a fatal error on silo A: the run's figures can't be trusted.</summary>
    public void ThrowIfFailed()
    {
        if (Error is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }
}
