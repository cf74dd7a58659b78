using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Granary.Grains.Tests.Infrastructure;

/// <summary>A cluster whose "Default" storage is <see cref="SlowStorage"/>.</summary>
public sealed class SlowStorageFixture : ClusterFixture
{
    public SlowStorageFixture()
        : this(new SlowStorage(TimeSpan.FromMilliseconds(50)))
    {
    }

    private SlowStorageFixture(SlowStorage storage)
        // Registered after the memory storage of the same name: the last registration is the one resolved.
        : base(options => options.AddServices(services => services.AddKeyedSingleton<IGrainStorage>("Default", (provider, _) =>
        {
            storage.Copier = provider.GetRequiredService<DeepCopier>();
            return storage;
        }))) =>
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

    /// <summary>Copies states as they are when a write starts (grains edit their state in place).</summary>
    public DeepCopier? Copier { get; set; }

    /// <summary>The state as its last write stored it.</summary>
    public object? Stored(GrainId grainId, string stateName) => _states[(grainId, stateName)].State;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((grainId, stateName), out var stored))
        {
            grainState.State = Copier is { } copier ? copier.Copy((T)stored.State!) : (T)stored.State!;
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var copy = Copier is { } copier ? copier.Copy(grainState.State) : grainState.State;
        await Task.Delay(writeTime);
        var current = _states.TryGetValue((grainId, stateName), out var stored) ? stored.ETag : null;
        if (current != grainState.ETag)
        {
            throw new InconsistentStateException($"ETag {grainState.ETag} does not match {current}", current, grainState.ETag);
        }
        var next = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _states[(grainId, stateName)] = (copy, next);
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
