using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Placement;

namespace Granary.Cluster.Tests.Grains;

/// <summary>
/// Runs one periodic reminder and records every tick durably: which silo hosted the grain, which silo's reminder
/// service sent the tick, and when it arrived. A test reads from it which silo owned the reminder before a crash and
/// which one fires it afterwards.
/// </summary>
[Alias("clustertest.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or moves) the probe's reminder: first tick after <paramref name="due"/>, then every <paramref name="period"/>.</summary>
    [Alias("Start")]
    Task Start(TimeSpan due, TimeSpan period);

    /// <summary>Every recorded tick, oldest first.</summary>
    [Alias("Firings")]
    Task<IReadOnlyList<ReminderFiring>> Firings();

    /// <summary>The name of the silo hosting this activation.</summary>
    [Alias("SiloName")]
    Task<string> SiloName();
}

/// <summary>One delivered tick: the silo that hosted the grain, the silo whose reminder service sent it (null if unknown), when it arrived.</summary>
[GenerateSerializer, Immutable, Alias("clustertest.ReminderFiring")]
public sealed record ReminderFiring([property: Id(0)] string HostSilo, [property: Id(1)] string? SentBy, [property: Id(2)] DateTimeOffset FiredAt);

/// <summary>The stored shape of a probe.</summary>
[GenerateSerializer, Alias("clustertest.ReminderProbeState")]
public sealed record ReminderProbeState
{
    // An array, not an interface: the serializer writes the runtime type, and a collection expression's is compiler-made.
    [Id(0)]
    public ReminderFiring[] Firings { get; init; } = [];
}

/// <summary>The grain behind <see cref="IReminderProbeGrain"/>.</summary>
// Random placement spreads the grains evenly over the silos, so each one a test kills or stops hosts some of them; the
// default prefers the calling silo, which in these tests is always the in-process test silo.
[RandomPlacement]
[GrainType("clustertest-reminderprobe")]
public sealed class ReminderProbeGrain(
    [PersistentState("probe")] IPersistentState<ReminderProbeState> probe,
    IOptions<SiloOptions> silo,
    IClusterMembershipService membership,
    TimeProvider time) : Grain, IReminderProbeGrain, IRemindable, IIncomingGrainCallFilter
{
    public const string ReminderName = "probe";

    /// <summary>The sender of the call being handled; turns don't interleave, so one field serves.</summary>
    private GrainId? _caller;

    public async Task Start(TimeSpan due, TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, due, period);

    public Task<IReadOnlyList<ReminderFiring>> Firings() => Task.FromResult<IReadOnlyList<ReminderFiring>>(probe.State.Firings);

    public Task<string> SiloName() => Task.FromResult(silo.Value.SiloName);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var firing = new ReminderFiring(silo.Value.SiloName, SenderSiloName(), time.GetUtcNow());
        probe.State = probe.State with { Firings = [.. probe.State.Firings, firing] };
        // Written before returning, so a tick that returned is on record whatever happens to this silo next.
        await probe.WriteStateAsync();
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        _caller = context.SourceId;
        try
        {
            await context.Invoke();
        }
        finally
        {
            _caller = null;
        }
    }

    /// <summary>
    /// A tick is a call from the reminder service of the silo that owns the grain's range on the ring: a system
    /// target whose id carries that silo's address. Its name comes from the membership view, which keeps dead silos.
    /// </summary>
    private string? SenderSiloName()
    {
        if (_caller is not { } caller || !SystemTargetGrainId.TryParse(caller, out var target))
        {
            return null;
        }
        var address = target.GetSiloAddress();
        return membership.CurrentSnapshot.Members.TryGetValue(address, out var member) ? member.Name : address.ToString();
    }
}
