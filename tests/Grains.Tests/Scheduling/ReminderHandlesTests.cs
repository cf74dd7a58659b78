using Granary.Grains.Tests.Infrastructure;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>
/// A reminder registered through <see cref="ReminderHandles"/> is removed by its kept handle; one registered again
/// since (its handle out of date) and one never registered by this activation are removed by looking them up.
/// </summary>
public sealed class ReminderHandlesTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IReminderProbeGrain Probe() => fixture.Grains.GetGrain<IReminderProbeGrain>(Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AReminderRegisteredHere_IsRemoved()
    {
        var probe = Probe();
        await probe.Register("r");
        Assert.True(await probe.Exists("r"));

        await probe.Unregister("r");

        Assert.False(await probe.Exists("r"));
    }

    [Fact]
    public async Task AReminderRegisteredAgainBehindItsHandle_IsStillRemoved()
    {
        var probe = Probe();
        await probe.Register("r");
        await probe.RegisterBehindTheHandles("r");

        await probe.Unregister("r");

        Assert.False(await probe.Exists("r"));
    }

    [Fact]
    public async Task AReminderThisActivationHasNoHandleFor_IsRemoved_AndOneThatDoesNotExistIsNoError()
    {
        var probe = Probe();
        await probe.RegisterBehindTheHandles("r");

        await probe.Unregister("r");
        await probe.Unregister("never-registered");

        Assert.False(await probe.Exists("r"));
    }
}
