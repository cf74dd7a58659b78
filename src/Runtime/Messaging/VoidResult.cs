namespace Granary.Runtime.Messaging;

/// <summary>The result type of requests for methods that return <see cref="Task"/> or <see cref="ValueTask"/>.</summary>
public readonly struct VoidResult
{
}
