namespace Granary.Grains.Tests.Infrastructure;

/// <summary>
/// One <see cref="GranaryCluster"/> for a whole test class (xunit class fixture): a cluster takes a second or two to
/// start, so the tests of a class share it and keep apart by their grain keys. Public because xunit hands it to
/// public test classes.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly Action<GranaryClusterOptions>? _configure;
    private GranaryCluster? _cluster;

    public ClusterFixture()
    {
    }

    protected ClusterFixture(Action<GranaryClusterOptions> configure) => _configure = configure;

    public GranaryCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public IClusterClient Grains => Cluster.Grains;

    public FakeTimeProvider Time => Cluster.Time;

    public virtual async Task InitializeAsync()
    {
        var options = new GranaryClusterOptions();
        _configure?.Invoke(options);
        _cluster = await GranaryCluster.StartAsync(options);
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>A cluster whose grains read real time, for tests that compare grain time with wall-clock inputs.</summary>
public sealed class RealClockFixture() : ClusterFixture(options => options.GrainClock = TimeProvider.System);
