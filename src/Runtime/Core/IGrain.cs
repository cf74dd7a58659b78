namespace Granary.Runtime;

/// <summary>Marker for grain interfaces. Derive from one of the keyed interfaces below, not from this one directly.</summary>
public interface IGrain
{
}

/// <summary>A grain addressed by a string key.</summary>
public interface IGrainWithStringKey : IGrain
{
}

/// <summary>A grain addressed by a Guid key.</summary>
public interface IGrainWithGuidKey : IGrain
{
}

/// <summary>A grain addressed by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain
{
}
