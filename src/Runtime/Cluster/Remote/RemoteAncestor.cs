using Granary.Runtime.Messaging;

namespace Granary.Runtime.Cluster.Remote;

/// <summary>
/// Stands for a request in the call chain of a call that arrived from another silo: only its target and call id
/// travel, which is all call-cycle detection needs. Never invoked.
/// </summary>
internal sealed class RemoteAncestor : GrainRequest<VoidResult>
{
    public RemoteAncestor(GrainId target, long callId, GrainRequest? parent)
    {
        Target = target;
        CallId = callId;
        Parent = parent;
    }

    public override string InterfaceName => "remote";

    public override string MethodName => "ancestor";

    public override int MethodId => -1;

    public override int ArgumentCount => 0;

    public override object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));

    protected override ValueTask<VoidResult> InvokeCore(object grain, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A remote ancestor stands for a call running on another silo; it is never invoked here.");
}
