namespace Granary.Grains;

/// <summary>
/// A grain whose state has a read-model row (src/ReadModel) that lists and the clean-up sweep read. It writes the
/// row after each state write, before it answers, and again when it activates: a row a crash or a failed write kept
/// back is repaired by the next activation, and a stale write never wins (rows only move to a higher revision).
/// </summary>
public abstract class ReadModelGrain : Grain
{
    /// <summary>
    /// Runs <paramref name="write"/>; when it fails the activation is deactivated (the failure still reaches the
    /// caller), so the next call starts a fresh activation whose <c>OnActivateAsync</c> writes the row again.
    /// </summary>
    protected async Task WriteRowAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
