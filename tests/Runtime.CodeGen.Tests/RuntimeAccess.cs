using System.Reflection;
using Granary.Runtime.Messaging;

namespace Granary.Runtime.CodeGen.Tests;

/// <summary>
/// Reaches the runtime internals a generated proxy talks to (the request sender, the registry's look-ups). Granary.Runtime
/// does not grant this test assembly internals access, so this goes through reflection; the runtime's own tests cover
/// the real dispatch path.
/// </summary>
internal static class RuntimeAccess
{
    private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;
    private const BindingFlags InternalStatic = BindingFlags.NonPublic | BindingFlags.Static;

    /// <summary>A proxy context whose sender records every request instead of delivering it.</summary>
    public static (GrainReferenceContext Context, RecordingSender Sender) CreateRecordingContext()
    {
        var senderInterface = typeof(GrainReference).Assembly.GetType("Granary.Runtime.Messaging.IRequestSender", throwOnError: true)!;
        var sender = DispatchProxy.Create(senderInterface, typeof(RecordingSender));
        var context = (GrainReferenceContext)Activator.CreateInstance(
            typeof(GrainReferenceContext), Internal, binder: null, args: [sender], culture: null)!;
        return (context, (RecordingSender)sender);
    }

    /// <summary>GrainTypeRegistry.TryGetProxyFactory.</summary>
    public static Func<GrainReferenceContext, GrainId, GrainReference>? GetProxyFactory(Type grainInterface)
    {
        var method = typeof(GrainTypeRegistry).GetMethod("TryGetProxyFactory", InternalStatic)
            ?? throw new InvalidOperationException("GrainTypeRegistry.TryGetProxyFactory not found");
        var args = new object?[] { grainInterface, null };
        return (bool)method.Invoke(null, args)! ? (Func<GrainReferenceContext, GrainId, GrainReference>)args[1]! : null;
    }

    /// <summary>GrainTypeRegistry.TryCreateRequest: a fresh request from the registered factory, or null.</summary>
    public static GrainRequest? CreateRequest(string interfaceName, int methodId)
    {
        var method = typeof(GrainTypeRegistry).GetMethod("TryCreateRequest", InternalStatic)
            ?? throw new InvalidOperationException("GrainTypeRegistry.TryCreateRequest not found");
        var args = new object?[] { interfaceName, methodId, null };
        return (bool)method.Invoke(null, args)! ? (GrainRequest)args[2]! : null;
    }

    /// <summary>GrainTypeRegistry.Classes.</summary>
    public static IReadOnlyCollection<Type> RegisteredClasses()
    {
        var property = typeof(GrainTypeRegistry).GetProperty("Classes", InternalStatic)
            ?? throw new InvalidOperationException("GrainTypeRegistry.Classes not found");
        return (IReadOnlyCollection<Type>)property.GetValue(null)!;
    }

    /// <summary>Runs a request's generated InvokeCore against <paramref name="grain"/> and returns the awaited result.</summary>
    public static async Task<object?> InvokeCoreAsync(GrainRequest request, object grain, CancellationToken cancellationToken)
    {
        var method = request.GetType().GetMethod("InvokeCore", Internal)!;
        var valueTask = method.Invoke(request, [grain, cancellationToken])!;
        var asTask = (Task)valueTask.GetType().GetMethod("AsTask")!.Invoke(valueTask, null)!;
        await asTask;
        return asTask.GetType().GetProperty("Result")!.GetValue(asTask);
    }

    /// <summary>The generated NeedsCancellation override.</summary>
    public static bool NeedsCancellation(GrainRequest request) =>
        (bool)request.GetType().GetProperty("NeedsCancellation", Internal)!.GetValue(request)!;
}

/// <summary>Stands in for the runtime's request sender: keeps what it is asked to send.</summary>
public class RecordingSender : DispatchProxy
{
    public List<(GrainReference Target, GrainRequest Request)> Sent { get; } = [];

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name == "Send")
        {
            Sent.Add(((GrainReference)args![0]!, (GrainRequest)args[1]!));
            return null;
        }
        if (targetMethod?.Name == "get_HasOutgoingFilters")
        {
            return false;
        }
        throw new NotSupportedException($"The recording sender does not implement {targetMethod?.Name}.");
    }
}
