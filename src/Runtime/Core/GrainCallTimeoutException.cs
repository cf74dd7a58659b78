namespace Granary.Runtime;

/// <summary>A grain call did not complete before its deadline (Granary:ResponseTimeout, 30 s by default).</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException(string message) : base(message)
    {
    }

    public GrainCallTimeoutException()
    {
    }

    public GrainCallTimeoutException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
