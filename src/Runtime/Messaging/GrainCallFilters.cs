namespace Granary.Runtime;

/// <summary>What a call filter sees of one grain call.</summary>
public interface IGrainCallContext
{
    /// <summary>The called grain.</summary>
    GrainId TargetId { get; }

    /// <summary>Full name of the interface declaring the method.</summary>
    string InterfaceName { get; }

    /// <summary>The method's name.</summary>
    string MethodName { get; }

    /// <summary>Number of arguments.</summary>
    int ArgumentCount { get; }

    /// <summary>One argument, boxed.</summary>
    object? GetArgument(int index);

    /// <summary>The result, once <see cref="Invoke"/> has completed; a filter may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Runs the rest of the chain (the next filter, or the call itself). Call it exactly once; it throws what the grain threw.</summary>
    Task Invoke();
}

/// <summary>A call arriving at an activation; filters run inside the activation's turn.</summary>
public interface IIncomingGrainCallContext : IGrainCallContext
{
    /// <summary>The grain object being called.</summary>
    object Grain { get; }
}

/// <summary>A call leaving a caller; filters run in the caller's flow before the request is sent.</summary>
public interface IOutgoingGrainCallContext : IGrainCallContext
{
}

/// <summary>Runs around every call an activation receives. Register in the silo's services; a grain class may implement it for its own calls.</summary>
public interface IIncomingGrainCallFilter
{
    Task Invoke(IIncomingGrainCallContext context);
}

/// <summary>Runs around every grain call made from this silo (from grains and from other code). Register in the silo's services.</summary>
public interface IOutgoingGrainCallFilter
{
    Task Invoke(IOutgoingGrainCallContext context);
}
