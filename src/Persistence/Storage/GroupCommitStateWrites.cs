using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Granary.Persistence.Storage;

/// <summary>
/// Sits in front of Orleans's <see cref="AdoNetGrainStorage"/> on PostgreSQL and writes grain state in groups with
/// the writes of other grains (<see cref="PostgresStateWriteGroups"/>), and reads it in groups with their reads
/// (<see cref="PostgresStateReadGroups"/>); clears are the provider's own.
/// </summary>
/// <remarks>
/// Orleans serves no batching grain storage, and its provider commits every write on its own: under load that
/// commit, not the write, is most of PostgreSQL's work. A write here is the provider's write — its WriteToStorage
/// query, its serializer, its hash picker, the same parameters and the same ETag contract (the new version as the
/// ETag; no row answered means <see cref="InconsistentStateException"/>) — run in a shared batch. Keys that aren't
/// plain strings (Granary's storage ids always are, <see cref="FullGrainIdStorage"/>) and generic state names go to
/// the provider unchanged. A write here takes along the statement its grain offered with it
/// (<see cref="StateWriteCompanion"/>), so a grain's state and its read-model row are one commit.
/// </remarks>
internal sealed partial class GroupCommitStateWrites(
    AdoNetGrainStorage inner,
    string providerName,
    string serviceId,
    PostgresStateWriteGroups groups,
    PostgresStateReadGroups reads,
    IActivatorProvider activators,
    ILogger<GroupCommitStateWrites> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var query = inner.CurrentOperationalQueries?.ReadFromStorage;
        if (query is null || !Groupable(stateName, grainId))
        {
            await inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
            return;
        }
        var key = grainId.Key.ToString()!;
        try
        {
            var read = new StateRead(query, KeyOf(stateName, grainId, key, grainState));
            await reads.ReadAsync(read).WaitAsync(cancellationToken);
            // As the provider reads: the stored payload through its serializer, a new instance when there is none, the
            // version as the ETag (a cleared row keeps its version), and a record only where there is a payload.
            grainState.State = read.Payload is { } payload
                ? inner.Serializer.Deserialize<T>(new BinaryData(payload))
                : activators.GetActivator<T>().Create();
            grainState.ETag = read.Version?.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = read.Payload is not null;
        }
        catch (Exception exception)
        {
            Log.ReadFailed(logger, exception, providerName, stateName, key);
            throw;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var query = inner.CurrentOperationalQueries?.WriteToStorage;
        if (query is null || !Groupable(stateName, grainId))
        {
            await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
            return;
        }

        var key = grainId.Key.ToString()!;
        int? newVersion;
        try
        {
            var version = string.IsNullOrWhiteSpace(grainState.ETag) ? (int?)null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
            var write = new StateWrite(query, KeyOf(stateName, grainId, key, grainState), version, inner.Serializer.Serialize(grainState.State).ToArray(),
                StateWriteCompanion.Take());
            newVersion = await groups.WriteAsync(write).WaitAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            Log.WriteFailed(logger, exception, providerName, stateName, key, grainState.ETag);
            throw;
        }

        if (newVersion is null)
        {
            throw new InconsistentStateException(
                $"Version conflict (WriteState): ServiceId={serviceId} ProviderName={providerName} GrainType={stateName} GrainId={key} ETag={grainState.ETag}.");
        }
        grainState.ETag = newVersion.Value.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    // The provider reads its queries and starts in the silo lifecycle; forwarding keeps that.
    public void Participate(ISiloLifecycle lifecycle) => inner.Participate(lifecycle);

    /// <summary>
    /// Whether the groups serve this state: a key the provider stores as a string (its Guid and integer keys carry
    /// N0/N1 and an extension instead) and a state name that isn't generic.
    /// </summary>
    private static bool Groupable(string stateName, GrainId grainId) =>
        !grainId.TryGetGuidKey(out _, out _) && !grainId.TryGetIntegerKey(out _, out _) && !stateName.Contains('`', StringComparison.Ordinal);

    /// <summary>The row's identity with the provider's hashes: the grain id's UTF-8 bytes in reverse order on little-endian machines, the state name's as they are.</summary>
    private StateKey KeyOf<T>(string stateName, GrainId grainId, string key, IGrainState<T> grainState)
    {
        var hasher = inner.HashPicker.PickHasher(serviceId, providerName, stateName, grainId, grainState)
            ?? throw new InvalidOperationException($"The hash picker of grain storage '{providerName}' offered no hasher.");
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(keyBytes);
        }
        return new StateKey(serviceId, stateName, hasher.Hash(Encoding.UTF8.GetBytes(stateName)), key, hasher.Hash(keyBytes));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Writing state '{StateName}' of grain {GrainId} to grain storage '{ProviderName}' failed (ETag {ETag})")]
        public static partial void WriteFailed(ILogger logger, Exception exception, string providerName, string stateName, string grainId, string? etag);

        [LoggerMessage(2, LogLevel.Error, "Reading state '{StateName}' of grain {GrainId} from grain storage '{ProviderName}' failed")]
        public static partial void ReadFailed(ILogger logger, Exception exception, string providerName, string stateName, string grainId);
    }
}
