namespace Granary.Runtime;

/// <summary>
/// A call would close a cycle through a non-reentrant grain (A → B → A): the grain is busy with the request
/// that is waiting for this very call, so the call fails at once instead of waiting for its deadline.
/// </summary>
public sealed class DeadlockException : Exception
{
    public DeadlockException(string message) : base(message)
    {
    }

    public DeadlockException()
    {
    }

    public DeadlockException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
