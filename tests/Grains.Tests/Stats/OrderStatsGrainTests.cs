using System.Collections.Concurrent;
using Granary.Grains.Orders;
using Granary.Grains.Stats;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Granary.Grains.Tests.Stats;

/// <summary>
/// The stats grain takes every transition of an organization, so its writes are coalesced: transitions arriving while
/// a write is in flight are stored together by the next one, and each Record completes only once stored. (A failed
/// write: <see cref="OrderStatsWriteFailureTests"/>, on Granary's storage.)
/// </summary>
public sealed class OrderStatsGrainTests(OrderStatsGrainTests.Fixture fixture) : IClassFixture<OrderStatsGrainTests.Fixture>
{
    private readonly string _org = "org-stats-" + Guid.NewGuid().ToString("N");

    private IOrderStatsGrain Stats => fixture.Grains.GetGrain<IOrderStatsGrain>(_org);

    [Fact]
    public async Task ConcurrentTransitions_ShareWrites_AndEachCompletesOnceStored()
    {
        var created = DateTimeOffset.UtcNow;
        var records = Enumerable.Range(0, 100).Select(i => Stats.Record(Transition($"e{i}", created))).ToArray();
        await Task.WhenAll(records);

        var stats = await Stats.Get();
        Assert.Equal(100, stats.ByStatus["pending"]);
        Assert.Equal(100, stats.TodayOrders);
        var grainId = Stats.GetGrainId();
        Assert.InRange(fixture.Storage.Writes(grainId), 1, 10);
        var stored = Assert.IsType<OrderStatsState>(fixture.Storage.Stored(grainId, "stats"));
        Assert.Equal(100, stored.ByStatus[OrderStatus.Pending]);

        // A repeated event changes nothing and writes nothing more.
        var writes = fixture.Storage.Writes(grainId);
        await Stats.Record(Transition("e7", created));
        Assert.Equal(100, (await Stats.Get()).ByStatus["pending"]);
        Assert.Equal(writes, fixture.Storage.Writes(grainId));
    }

    internal static OrderTransition Transition(string eventId, DateTimeOffset created) =>
        new(eventId, null, OrderStatus.Pending, 2.50m, "EUR", created, created, "UTC");

    /// <summary>A cluster whose "Default" storage is <see cref="SlowStorage"/>.</summary>
    public sealed class Fixture : ClusterFixture
    {
        public Fixture()
            : this(new SlowStorage(TimeSpan.FromMilliseconds(50)))
        {
        }

        private Fixture(SlowStorage storage)
            // Registered after the memory storage of the same name: the last registration is the one resolved.
            : base(options => options.AddServices(services => services.AddKeyedSingleton<IGrainStorage>("Default", storage))) =>
            Storage = storage;

        internal SlowStorage Storage { get; }
    }

    /// <summary>In-memory storage whose writes take a while, counting them per grain.</summary>
    internal sealed class SlowStorage(TimeSpan writeTime) : IGrainStorage
    {
        private readonly ConcurrentDictionary<(GrainId, string), (object? State, string ETag)> _states = new();
        private readonly ConcurrentDictionary<GrainId, int> _writes = new();
        private long _version;

        public int Writes(GrainId grainId) => _writes.GetValueOrDefault(grainId);

        /// <summary>The state as stored: the stats grain replaces its state record on every change, never edits it, so the reference is a snapshot.</summary>
        public object? Stored(GrainId grainId, string stateName) => _states[(grainId, stateName)].State;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_states.TryGetValue((grainId, stateName), out var stored))
            {
                grainState.State = (T)stored.State!;
                grainState.ETag = stored.ETag;
                grainState.RecordExists = true;
            }
            return Task.CompletedTask;
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await Task.Delay(writeTime);
            var current = _states.TryGetValue((grainId, stateName), out var stored) ? stored.ETag : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag {grainState.ETag} does not match {current}", current, grainState.ETag);
            }
            var next = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _states[(grainId, stateName)] = (grainState.State, next);
            _writes.AddOrUpdate(grainId, 1, (_, count) => count + 1);
            grainState.ETag = next;
            grainState.RecordExists = true;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _states.TryRemove((grainId, stateName), out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
    }
}
