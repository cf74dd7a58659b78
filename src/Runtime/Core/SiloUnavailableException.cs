namespace Granary.Runtime;

/// <summary>The silo that should run the call is stopping or stopped; the call was not executed.</summary>
public sealed class SiloUnavailableException : Exception
{
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
