namespace Granary.Runtime;

/// <summary>Base class of grain classes.</summary>
public abstract partial class Grain
{
}
