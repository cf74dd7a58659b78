namespace Granary.Runtime;

/// <summary>
/// The silo that should run the call is stopping, stopped or unreachable. When <see cref="NeverSent"/> is true the
/// call certainly did not run; otherwise the connection broke after it was sent and it may or may not have run.
/// </summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>True when the call never left the caller (no connection could be opened).</summary>
    public bool NeverSent { get; init; }

    public SiloUnavailableException(string message) : base(message)
    {
    }

    public SiloUnavailableException()
    {
    }

    public SiloUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
