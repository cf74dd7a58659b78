using System.Runtime.ExceptionServices;

namespace Granary.Runtime.Messaging;

/// <summary>Runs the silo's outgoing filters around a call before it is sent.</summary>
internal sealed class OutgoingCallContext<TResult> : IOutgoingGrainCallContext
{
    private readonly Dispatcher _dispatcher;
    private readonly GrainReference _target;
    private readonly GrainRequest<TResult> _request;
    private readonly IOutgoingGrainCallFilter[] _filters;
    private int _next;
    private object? _result;

    public OutgoingCallContext(Dispatcher dispatcher, GrainReference target, GrainRequest<TResult> request, IOutgoingGrainCallFilter[] filters)
    {
        _dispatcher = dispatcher;
        _target = target;
        _request = request;
        _filters = filters;
    }

    public GrainId TargetId => _target.GrainId;

    public string InterfaceName => _request.InterfaceName;

    public string MethodName => _request.MethodName;

    public int ArgumentCount => _request.ArgumentCount;

    public object? GetArgument(int index) => _request.GetArgument(index);

    public object? Result
    {
        get => _result;
        set => _result = value;
    }

    public async Task<TResult> RunAsync()
    {
        await Invoke();
        return _result is null ? default! : (TResult)_result;
    }

    public async Task Invoke()
    {
        if (_next < _filters.Length)
        {
            await _filters[_next++].Invoke(this);
            return;
        }
        _dispatcher.Send(_target, _request);
        try
        {
            _result = await _request.Task;
        }
        catch (Exception ex)
        {
            ExceptionDispatchInfo.Capture(ex).Throw();
        }
    }
}
