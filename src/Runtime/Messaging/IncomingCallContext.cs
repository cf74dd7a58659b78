using System.Runtime.ExceptionServices;
using Granary.Runtime.Activations;

namespace Granary.Runtime.Messaging;

/// <summary>Runs the silo's incoming filters (and the grain's own, if it is one) around a request, inside the activation's turn.</summary>
internal sealed class IncomingCallContext : IIncomingGrainCallContext
{
    private readonly ActivationData _activation;
    private readonly GrainRequest _request;
    private readonly IIncomingGrainCallFilter[] _filters;
    private int _next;

    private IncomingCallContext(ActivationData activation, GrainRequest request, IIncomingGrainCallFilter[] filters)
    {
        _activation = activation;
        _request = request;
        _filters = filters;
    }

    public static async ValueTask InvokeAsync(ActivationData activation, GrainRequest request)
    {
        CallScope.Enter(request);
        var filters = activation.Grain is IIncomingGrainCallFilter own && !request.IsSystem
            ? [.. activation.Runtime.IncomingFilters, own]
            : activation.Runtime.IncomingFilters;
        var context = new IncomingCallContext(activation, request, filters);
        try
        {
            await context.Invoke();
        }
        catch (Exception ex)
        {
            request.SetOutcome(null, ex);
        }
    }

    public object Grain => _activation.Grain!;

    public GrainId TargetId => _activation.Id;

    public string InterfaceName => _request.InterfaceName;

    public string MethodName => _request.MethodName;

    public int ArgumentCount => _request.ArgumentCount;

    public object? GetArgument(int index) => _request.GetArgument(index);

    public object? Result
    {
        get => _request.GetResult();
        set => _request.SetOutcome(value, null);
    }

    public async Task Invoke()
    {
        if (_next < _filters.Length)
        {
            await _filters[_next++].Invoke(this);
            return;
        }
        await _request.InvokeAsync(_activation.Grain!);
        if (_request.Failure is { } failure)
        {
            // Filters observe the grain's exception as a throw from Invoke(), as they would from a direct call.
            _request.SetOutcome(null, null);
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
