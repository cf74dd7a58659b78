using Microsoft.Extensions.Logging;

namespace Granary.Grains.Events;

/// <summary>
/// Fire-and-forget grain calls made from grain code: the call starts on the thread pool with no execution context,
/// so it belongs to no call chain (the callee may call back into the caller without a false call-cycle failure) and
/// doesn't hold up the caller's turn. Failures are logged; whoever starts such a call needs its own safety net (a
/// reminder) for calls that fail or are lost in a crash.
/// </summary>
internal static partial class Detached
{
    public static void Run(Func<Task> call, ILogger logger, string what)
    {
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await call();
                }
                catch (Exception exception)
                {
                    Failed(logger, exception, what);
                }
            });
        }
    }

    [LoggerMessage(100, LogLevel.Warning, "A background hand-over for {What} failed; its reminder will try again")]
    private static partial void Failed(ILogger logger, Exception exception, string what);
}
