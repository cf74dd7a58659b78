using System.Reflection;

namespace Granary.Grains;

/// <summary>Points the silo at this assembly's grain classes (<c>AddGrains(GrainsAssembly.Assembly)</c>).</summary>
public static class GrainsAssembly
{
    /// <summary>The assembly holding the domain's grain classes.</summary>
    public static Assembly Assembly => typeof(GrainsAssembly).Assembly;
}
