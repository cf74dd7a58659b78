namespace Granary.Grains.Tests.Infrastructure;

/// <summary>Waiting on something that happens in the background, with a deadline and a message naming it.</summary>
public static class Poll
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after
    /// <paramref name="timeout"/> (10 s) of real time. <paramref name="betweenTries"/> runs between polls.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<Task>? betweenTries = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for {what}.");
            }
            if (betweenTries is not null)
            {
                await betweenTries();
            }
            await Task.Delay(20);
        }
    }
}
