using System.Collections.Concurrent;
using System.Text.Json;
using Granary.Grains.Orders;
using Granary.Grains.Stats;
using Granary.Runtime;
using Granary.Runtime.Persistence;
using Granary.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Stats;

/// <summary>
/// The stats grain takes every transition of an organization, so its writes are coalesced: transitions arriving while
/// a write is in flight are stored together by the next one, and each Record completes only once stored.
/// </summary>
public sealed class OrderStatsGrainTests : IAsyncLifetime
{
    private const string Org = "org-stats";
    private readonly SlowStorage _storage = new(TimeSpan.FromMilliseconds(50));
    private TestCluster _cluster = null!;

    private IOrderStatsGrain Stats => _cluster.GrainFactory.GetGrain<IOrderStatsGrain>(Org);

    public async Task InitializeAsync() => _cluster = await GrainTestCluster.StartAsync(options =>
        options.ConfigureServices = services => services.AddKeyedSingleton<IGrainStorage>(PersistentStateAttribute.DefaultStorageName, _storage));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ConcurrentTransitions_ShareWrites_AndEachCompletesOnceStored()
    {
        var created = DateTimeOffset.UtcNow;
        var records = Enumerable.Range(0, 100).Select(i => Stats.Record(Transition($"e{i}", created))).ToArray();
        await Task.WhenAll(records);

        var stats = await Stats.Get();
        Assert.Equal(100, stats.ByStatus["pending"]);
        Assert.Equal(100, stats.TodayOrders);
        Assert.InRange(_storage.Writes, 1, 10);
        using var stored = JsonDocument.Parse(_storage.Json(new GrainId("orderstats", Org), "stats"));
        Assert.Equal(100, stored.RootElement.GetProperty("byStatus").GetProperty("Pending").GetInt32());

        // A repeated event changes nothing and writes nothing more.
        var writes = _storage.Writes;
        await Stats.Record(Transition("e7", created));
        Assert.Equal(100, (await Stats.Get()).ByStatus["pending"]);
        Assert.Equal(writes, _storage.Writes);
    }

    [Fact]
    public async Task AFailedWrite_FailsEveryTransitionWaitingOnIt_AndTheStoredFiguresStayRight()
    {
        await Stats.Record(Transition("first", DateTimeOffset.UtcNow));
        _storage.FailNextWrite = true;

        var failed = Enumerable.Range(0, 5).Select(i => Stats.Record(Transition($"lost{i}", DateTimeOffset.UtcNow))).ToArray();

        foreach (var record in failed)
        {
            await Assert.ThrowsAsync<IOException>(() => record);
        }
        // The activation went away with the unsaved transitions; the next one starts from what is stored.
        await Stats.Record(Transition("after", DateTimeOffset.UtcNow));
        Assert.Equal(2, (await Stats.Get()).ByStatus["pending"]);
    }

    private static OrderTransition Transition(string eventId, DateTimeOffset created) =>
        new(eventId, null, OrderStatus.Pending, 2.50m, "EUR", created, created, "UTC");

    /// <summary>In-memory storage whose writes take a while (and can be made to fail), counting them.</summary>
    private sealed class SlowStorage(TimeSpan writeTime) : IGrainStorage
    {
        private readonly ConcurrentDictionary<(GrainId, string), StoredState> _states = new();
        private int _writes;
        private long _version;

        public volatile bool FailNextWrite;

        public int Writes => Volatile.Read(ref _writes);

        public string Kind => "test";

        public string Json(GrainId grainId, string stateName) => _states[(grainId, stateName)].Json;

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken) =>
            Task.FromResult(_states.TryGetValue((grainId, stateName), out var state) ? state : null);

        public async Task<string> WriteAsync(GrainId grainId, string stateName, string json, string? etag, CancellationToken cancellationToken)
        {
            await Task.Delay(writeTime, cancellationToken);
            if (FailNextWrite)
            {
                FailNextWrite = false;
                throw new IOException("storage unavailable");
            }
            var current = _states.TryGetValue((grainId, stateName), out var stored) ? stored.Etag : null;
            if (current != etag)
            {
                throw new InconsistentStateException($"etag {etag} does not match {current}", current, etag);
            }
            var next = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _states[(grainId, stateName)] = new StoredState(json, next);
            Interlocked.Increment(ref _writes);
            return next;
        }

        public Task ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
        {
            _states.TryRemove((grainId, stateName), out _);
            return Task.CompletedTask;
        }

        public Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(new ProviderHealth("test storage", Kind, true, null));
    }
}
