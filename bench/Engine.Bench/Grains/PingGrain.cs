using Orleans.Placement;

namespace Granary.Engine.Bench.Grains;

/// <summary>The cheapest grain call, plus where the activation lives (to check placement).</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Counts the call and returns how many this activation has seen.</summary>
    ValueTask<int> Ping();

    /// <summary>The address of the silo hosting this activation (<see cref="SiloAddress.ToParsableString"/>).</summary>
    ValueTask<string> Where();
}

/// <summary>
/// Completes synchronously. Prefer-local placement so that the cluster bench can put grains on the silo it chooses by
/// activating them from that silo; on a single silo it changes nothing.
/// </summary>
[PreferLocalPlacement]
internal sealed class PingGrain(ILocalSiloDetails silo) : Grain, IPingGrain
{
    private int _calls;

    public ValueTask<int> Ping() => new(++_calls);

    public ValueTask<string> Where() => new(silo.SiloAddress.ToParsableString());
}
