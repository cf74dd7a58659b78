using System.ComponentModel;
using System.Text.Json;

namespace Granary.Runtime.Messaging;

/// <summary>
/// One call of one grain method: the arguments and the code that invokes the method on an activation.
/// The source generator derives one sealed class per interface method. Not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GrainRequest
{
    /// <summary>Full name of the interface that declares the method.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>The method's name.</summary>
    public abstract string MethodName { get; }

    /// <summary>The method's index within its declaring interface (declaration order).</summary>
    public abstract int MethodId { get; }

    /// <summary>Scheduling options from the method's attributes.</summary>
    public virtual RequestOptions Options => RequestOptions.None;

    /// <summary>Number of arguments, not counting a <see cref="CancellationToken"/>.</summary>
    public abstract int ArgumentCount { get; }

    /// <summary>One argument, boxed; for filters, logs and (later) serialization.</summary>
    public abstract object? GetArgument(int index);

    /// <summary>
    /// Writes the arguments (not a <see cref="CancellationToken"/>) as one JSON array, in order, each serialized as its
    /// parameter's declared type. Generated requests override this; the default throws <see cref="NotSupportedException"/>.
    /// </summary>
    public virtual void WriteArguments(Utf8JsonWriter writer, JsonSerializerOptions options) =>
        throw new NotSupportedException($"{InterfaceName}.{MethodName} can't be sent to another silo");

    /// <summary>
    /// Reads the arguments <see cref="WriteArguments"/> wrote. <paramref name="reader"/> must be on the array's
    /// <see cref="JsonTokenType.StartArray"/> token and is left on its <see cref="JsonTokenType.EndArray"/> token.
    /// Throws <see cref="JsonException"/> when the JSON is not an array of exactly <see cref="ArgumentCount"/> elements.
    /// Generated requests override this; the default throws <see cref="NotSupportedException"/>.
    /// </summary>
    public virtual void ReadArguments(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        throw new NotSupportedException($"{InterfaceName}.{MethodName} can't be received from another silo");

    /// <summary>For generated <see cref="ReadArguments"/>: checks the reader is on the array's start.</summary>
    protected void ExpectArgumentsStart(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"{InterfaceName}.{MethodName}: expected a JSON array of {ArgumentCount} argument(s), found {reader.TokenType}.");
        }
    }

    /// <summary>
    /// For generated <see cref="ReadArguments"/>: moves to the first token of argument <paramref name="index"/>;
    /// throws when the array ends before it.
    /// </summary>
    protected void MoveToArgument(ref Utf8JsonReader reader, int index)
    {
        if (!reader.Read())
        {
            throw Incomplete();
        }
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            throw new JsonException($"{InterfaceName}.{MethodName}: expected {ArgumentCount} argument(s), found {index}.");
        }
    }

    /// <summary>For generated <see cref="ReadArguments"/>: moves to the array's end; throws when more elements follow.</summary>
    protected void MoveToArgumentsEnd(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Incomplete();
        }
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException($"{InterfaceName}.{MethodName}: expected {ArgumentCount} argument(s), found more.");
        }
    }

    private JsonException Incomplete() =>
        new($"{InterfaceName}.{MethodName}: the arguments array ends before its closing bracket.");

    /// <summary>The token the caller passed, when the method takes a <see cref="CancellationToken"/>.</summary>
    public CancellationToken CallerCancellation { get; set; }

    /// <summary>The grain the call is addressed to.</summary>
    internal GrainId Target;

    /// <summary>Identifies this call across silos, for call-cycle detection.</summary>
    internal long CallId;

    /// <summary>How many times the call was re-routed after a silo answered that the grain moved.</summary>
    internal int Hops;

    /// <summary>When the call was sent (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    internal long SentAt;

    /// <summary>Past this <see cref="System.Diagnostics.Stopwatch"/> timestamp the call fails with a timeout.</summary>
    internal long Deadline;

    /// <summary>The request whose turn made this call, for call-cycle detection; null for calls from outside grains.</summary>
    internal GrainRequest? Parent;

    /// <summary>The request context that flows with the call.</summary>
    internal RequestContextData? Context;

    /// <summary>The activation running the request.</summary>
    internal Activations.ActivationData? Executor;

    /// <summary>Runtime-internal requests (timer ticks) don't count as calls and don't keep an activation alive.</summary>
    internal virtual bool IsSystem => false;

    private CancellationTokenSource? _cancellation;

    /// <summary>The token handed to the grain method: cancelled past the deadline or when the caller cancels.</summary>
    internal CancellationToken GetCancellationToken()
    {
        if (_cancellation is null)
        {
            var source = CallerCancellation.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(CallerCancellation)
                : new CancellationTokenSource();
            if (Interlocked.CompareExchange(ref _cancellation, source, null) is not null)
            {
                source.Dispose();
            }
        }
        return _cancellation!.Token;
    }

    /// <summary>Cancels the token handed to the grain method, if one was created.</summary>
    internal void Cancel()
    {
        try
        {
            _cancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs the method on <paramref name="grain"/> and records its outcome; <see cref="Publish"/> hands it to the caller.</summary>
    internal abstract ValueTask InvokeAsync(object grain);

    /// <summary>True when the method threw.</summary>
    internal abstract Exception? Failure { get; }

    /// <summary>Completes the caller's task with the recorded outcome.</summary>
    internal abstract void Publish();

    /// <summary>The recorded result, boxed (filters only).</summary>
    internal abstract object? GetResult();

    /// <summary>Replaces the recorded outcome (filters only).</summary>
    internal abstract void SetOutcome(object? result, Exception? failure);

    /// <summary>Fails the caller's task (deadline, deadlock, activation failure). False when it already completed.</summary>
    internal abstract bool TryFail(Exception exception);

    /// <summary>Turns a <see cref="Task"/> into the result type of void methods without allocating when it already completed.</summary>
    protected static ValueTask<VoidResult> AsVoid(Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return default;
        }
        return Await(task);

        static async ValueTask<VoidResult> Await(Task task)
        {
            await task;
            return default;
        }
    }

    /// <summary>Turns a <see cref="ValueTask"/> into the result type of void methods without allocating when it already completed.</summary>
    protected static ValueTask<VoidResult> AsVoid(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return default;
        }
        return Await(task);

        static async ValueTask<VoidResult> Await(ValueTask task)
        {
            await task;
            return default;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{InterfaceName}.{MethodName}";
}
