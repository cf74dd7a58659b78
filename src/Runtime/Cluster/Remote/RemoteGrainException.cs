namespace Granary.Runtime;

/// <summary>
/// A grain on another silo threw an exception whose type can't be re-created here (unknown to this process, or
/// without a constructor taking a message). <see cref="OriginalTypeName"/> and the message say what it was.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(string originalTypeName, string message, string? remoteStackTrace)
        : base(message)
    {
        OriginalTypeName = originalTypeName;
        RemoteStackTrace = remoteStackTrace;
    }

    public RemoteGrainException()
    {
        OriginalTypeName = typeof(Exception).FullName!;
    }

    public RemoteGrainException(string message) : base(message)
    {
        OriginalTypeName = typeof(Exception).FullName!;
    }

    public RemoteGrainException(string message, Exception innerException) : base(message, innerException)
    {
        OriginalTypeName = typeof(Exception).FullName!;
    }

    /// <summary>The full name of the exception type the grain threw.</summary>
    public string OriginalTypeName { get; }

    /// <summary>The stack trace on the silo where it was thrown.</summary>
    public string? RemoteStackTrace { get; }
}
