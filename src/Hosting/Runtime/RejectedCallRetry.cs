using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Granary.Hosting;

/// <summary>
/// Sends a read-only grain call (<see cref="ReadOnlyAttribute"/>) again when Orleans rejected it
/// (<see cref="OrleansMessageRejectionException"/>: the target silo is stopping, as every silo does in turn during a
/// rolling restart, or the grain's activation moved), up to three more times after 50, 150 and 400 ms; by then the
/// caller has usually learnt where the grain lives now. Only read-only calls: a rejection does not prove the call
/// never ran — Cluster.Tests' rolling restart stored a counter increment twice when every rejected call was sent
/// again — and repeating a read is harmless. A rejected write reaches its caller (the API answers 503; an order
/// creation is safe to retry with its Idempotency-Key). Calls in doubt (<see cref="SiloUnavailableException"/>, a
/// timeout) and the grain's own exceptions pass through unchanged.
/// </summary>
internal sealed partial class RejectedCallRetry(ILogger<RejectedCallRetry> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(400)];

    /// <summary>Whether each method seen rejected is read-only (looked up on a rejection only, never on the common path).</summary>
    private readonly ConcurrentDictionary<MethodInfo, bool> _readOnly = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            OrleansMessageRejectionException? rejection;
            try
            {
                await context.Invoke();
                // A rejection arrives either thrown (the response was unwrapped on the way) or as the response.
                rejection = context.Response?.Exception as OrleansMessageRejectionException;
            }
            catch (OrleansMessageRejectionException thrown) when (attempt < Delays.Length && IsReadOnly(context.InterfaceMethod))
            {
                rejection = thrown;
            }
            if (rejection is null || attempt == Delays.Length || !IsReadOnly(context.InterfaceMethod))
            {
                return;
            }
            LogRetry(logger, context.InterfaceName, context.MethodName, context.TargetId, attempt + 1, rejection.Message);
            await Task.Delay(Delays[attempt]);
        }
    }

    private bool IsReadOnly(MethodInfo? method) =>
        method is not null && _readOnly.GetOrAdd(method, m => m.GetCustomAttribute<ReadOnlyAttribute>() is not null);

    [LoggerMessage(1, LogLevel.Information, "Read-only call {Interface}.{Method} to {Target} was rejected; sending it again (retry {Retry}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string @interface, string method, GrainId target, int retry, string reason);
}
