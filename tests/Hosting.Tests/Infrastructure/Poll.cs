namespace Granary.Hosting.Tests;

/// <summary>Waits for a condition by polling it, with a deadline and a message saying what was awaited.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string awaited)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {awaited}; last value: {last}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
