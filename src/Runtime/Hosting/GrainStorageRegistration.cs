namespace Granary.Runtime.Hosting;

/// <summary>A named grain storage provider registered with the silo; the silo initializes each at start.</summary>
internal sealed record GrainStorageRegistration(string Name);
