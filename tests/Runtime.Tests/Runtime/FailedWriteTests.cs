using Granary.Runtime.Persistence;
using Granary.Runtime.Persistence.Memory;
using Granary.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Tests.Runtime;

/// <summary>A state write or clear that fails (storage down, out of connections) must not leave an unsaved state behind as if stored.</summary>
public sealed class FailedWriteTests
{
    [Fact]
    public async Task FailedWrite_DeactivatesAndTheNextCallSeesTheStoredState_NotTheUnsavedOne()
    {
        var storage = new FailingStorage(new MemoryGrainStorage());
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(),
            services: s => s.AddKeyedSingleton<IGrainStorage>(PersistentStateAttribute.DefaultStorageName, storage));
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>($"failed-write-{Guid.NewGuid():N}");
        Assert.Equal(1, await grain.Increment());

        storage.FailNextWrite = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grain.Increment());

        // Count 2 lived only in memory: what the grain answers now must be what storage holds.
        Assert.Equal(1, await grain.Get());
        Assert.Equal(2, await grain.Increment());
    }

    [Fact]
    public async Task ClearWhoseOutcomeIsUnknown_Deactivates_AndTheNextCallSeesWhatStorageHolds()
    {
        var storage = new FailingStorage(new MemoryGrainStorage());
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(),
            services: s => s.AddKeyedSingleton<IGrainStorage>(PersistentStateAttribute.DefaultStorageName, storage));
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>($"failed-clear-{Guid.NewGuid():N}");
        Assert.Equal(1, await grain.Increment());

        // The record is deleted, but the answer is lost on the way back, as with a connection dropped after the commit.
        storage.FailNextClearAfterApplying = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grain.Clear());

        // Count 1 lives on only in the old activation's memory: the grain must answer from storage, which holds nothing.
        Assert.Equal(0, await grain.Get());
    }

    /// <summary>Storage whose next write fails once, as a lost connection or an exhausted pool would.</summary>
    private sealed class FailingStorage(IGrainStorage inner) : IGrainStorage
    {
        public volatile bool FailNextWrite;

        public volatile bool FailNextClearAfterApplying;

        public string Kind => inner.Kind;

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken) =>
            inner.ReadAsync(grainId, stateName, cancellationToken);

        public Task<string> WriteAsync(GrainId grainId, string stateName, string json, string? etag, CancellationToken cancellationToken)
        {
            if (FailNextWrite)
            {
                FailNextWrite = false;
                throw new IOException("storage unavailable (test)");
            }
            return inner.WriteAsync(grainId, stateName, json, etag, cancellationToken);
        }

        public async Task ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
        {
            await inner.ClearAsync(grainId, stateName, etag, cancellationToken);
            if (FailNextClearAfterApplying)
            {
                FailNextClearAfterApplying = false;
                throw new IOException("connection lost after the clear (test)");
            }
        }

        public Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }
}
