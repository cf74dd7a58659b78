using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Runtime;

namespace Granary.Hosting.Tests;

/// <summary>
/// A read-only call Orleans rejected is sent again, up to three more times; a rejected write and a grain's own failure
/// are not. The rejections come from an incoming filter on the silo that answers the first calls to a key the way a
/// stopping silo answers (an <see cref="OrleansMessageRejectionException"/>, which only Orleans can make: built by
/// reflection).
/// </summary>
public sealed class RejectedCallRetryTests
{
    [Fact]
    public async Task RejectedReads_AreSentAgain_UpToThreeTimes_RejectedWritesAndOtherFailuresAreNot()
    {
        using var root = new TempFolder();
        var attempts = new ConcurrentDictionary<string, int>();
        await using var silo = await SiloHost.StartAsync(root.Path, EmbeddedProfileTests.Ports(),
            configure: builder => builder.AddIncomingGrainCallFilter(context => Reject(context, attempts)));
        var run = TestServices.UniqueName("retry");

        Assert.False(string.IsNullOrEmpty(await silo.Grains.GetGrain<IProbeGrain>($"{run}-rejected-2").WhereAmIAsync()));
        await Assert.ThrowsAsync<OrleansMessageRejectionException>(() => silo.Grains.GetGrain<IProbeGrain>($"{run}-rejected-9").WhereAmIAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Grains.GetGrain<IProbeGrain>($"{run}-fails").WhereAmIAsync());
        await Assert.ThrowsAsync<OrleansMessageRejectionException>(() => silo.Grains.GetGrain<IProbeGrain>($"{run}-write-rejected-1").SetTextAsync("x"));

        Assert.Equal(3, attempts[$"{run}-rejected-2"]);
        Assert.Equal(4, attempts[$"{run}-rejected-9"]);
        Assert.Equal(1, attempts[$"{run}-fails"]);
        Assert.Equal(1, attempts[$"{run}-write-rejected-1"]);
    }

    /// <summary>"…-rejected-N" keys: the first N calls (WhereAmIAsync, read-only, or SetTextAsync) are rejected; "…-fails": every call fails in the grain.</summary>
    private static Task Reject(IIncomingGrainCallContext context, ConcurrentDictionary<string, int> attempts)
    {
        if (context.InterfaceMethod?.Name is not (nameof(IProbeGrain.WhereAmIAsync) or nameof(IProbeGrain.SetTextAsync)))
        {
            return context.Invoke();
        }
        var key = context.TargetId.Key.ToString();
        var attempt = attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (key.EndsWith("-fails", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The grain failed.");
        }
        var marker = key.LastIndexOf("-rejected-", StringComparison.Ordinal);
        if (marker >= 0 && attempt <= int.Parse(key[(marker + "-rejected-".Length)..], System.Globalization.CultureInfo.InvariantCulture))
        {
            throw (OrleansMessageRejectionException)Activator.CreateInstance(
                typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, ["Silo stopping"], null)!;
        }
        return context.Invoke();
    }
}
