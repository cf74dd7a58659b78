using System.ComponentModel;
using System.Text.Json;
using Granary.Runtime.Cluster.Remote;

namespace Granary.Runtime.Messaging;

/// <summary>A request whose method produces <typeparamref name="TResult"/>; the caller awaits <see cref="Task"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GrainRequest<TResult> : GrainRequest, IRemoteResult
{
    // Continuations run inline on purpose: a grain caller's continuation is posted to its own activation by its
    // captured synchronization context; a caller outside any grain continues on the completing thread, which the
    // runtime has already taken out of the callee's context before it publishes.
    private readonly TaskCompletionSource<TResult> _completion = new();
    private TResult? _result;
    private Exception? _failure;

    /// <summary>The task the caller awaits.</summary>
    public Task<TResult> Task => _completion.Task;

    /// <summary>Calls the grain method. Generated.</summary>
    protected abstract ValueTask<TResult> InvokeCore(object grain, CancellationToken cancellationToken);

    internal override Exception? Failure => _failure;

    internal override ValueTask InvokeAsync(object grain)
    {
        ValueTask<TResult> pending;
        try
        {
            pending = InvokeCore(grain, NeedsCancellation ? GetCancellationToken() : CancellationToken.None);
        }
        catch (Exception ex)
        {
            _failure = ex;
            return default;
        }

        if (pending.IsCompletedSuccessfully)
        {
            _result = pending.Result;
            return default;
        }
        return AwaitAsync(pending);
    }

    /// <summary>True when the generated method takes a <see cref="CancellationToken"/>.</summary>
    protected virtual bool NeedsCancellation => false;

    private async ValueTask AwaitAsync(ValueTask<TResult> pending)
    {
        try
        {
            _result = await pending;
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    internal override void Publish()
    {
        if (_failure is { } failure)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    internal override object? GetResult() => _result;

    internal override void SetOutcome(object? result, Exception? failure)
    {
        _result = result is null ? default : (TResult)result;
        _failure = failure;
    }

    internal override bool TryFail(Exception exception) => _completion.TrySetException(exception);

    Task IRemoteResult.Completion => _completion.Task;

    void IRemoteResult.WriteResult(Utf8JsonWriter writer, JsonSerializerOptions options)
    {
        if (typeof(TResult) == typeof(VoidResult))
        {
            writer.WriteNullValue();
            return;
        }
        JsonSerializer.Serialize(writer, _result, options);
    }

    void IRemoteResult.CompleteFromJson(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        TResult result;
        if (typeof(TResult) == typeof(VoidResult))
        {
            reader.Skip();
            result = default!;
        }
        else
        {
            result = JsonSerializer.Deserialize<TResult>(ref reader, options)!;
        }
        _completion.TrySetResult(result);
    }
}
