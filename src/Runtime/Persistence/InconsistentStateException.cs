namespace Granary.Runtime;

/// <summary>
/// A state write or clear presented an etag that no longer matches the stored one: another activation or
/// process wrote the state since it was read. The runtime deactivates the activation that threw it, so the
/// next call reloads the current state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    public InconsistentStateException(string message) : base(message)
    {
    }

    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The etag found in the store (null when no record exists).</summary>
    public string? StoredEtag { get; }

    /// <summary>The etag the writer presented.</summary>
    public string? CurrentEtag { get; }
}
