namespace Granary.Runtime;

/// <summary>
/// Hands out references to grains. A reference is created without any I/O; the grain is activated by the first call.
/// </summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain with a string key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;

    /// <summary>A reference to the grain with a Guid key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey;

    /// <summary>A reference to the grain with an integer key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey;

    /// <summary>A reference to the grain with this id, seen through <typeparamref name="TGrainInterface"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain;
}
