using System.Collections.Concurrent;

namespace Granary.Runtime;

/// <summary>Resolves grain interfaces and grain type names to grain classes, from the <see cref="GrainTypeRegistry"/>.</summary>
internal sealed class GrainTypeMap
{
    private readonly ConcurrentDictionary<Type, GrainClassInfo> _byInterface = new();
    private readonly ConcurrentDictionary<string, GrainClassInfo> _byTypeName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, GrainClassInfo> _byClass = new();
    private int _registryCount = -1;

    /// <summary>The class implementing <paramref name="grainInterface"/>; exactly one must.</summary>
    public GrainClassInfo ForInterface(Type grainInterface)
    {
        if (_byInterface.TryGetValue(grainInterface, out var info))
        {
            return info;
        }
        Refresh();
        var candidates = _byClass.Values.Where(c => grainInterface.IsAssignableFrom(c.ClassType)).ToList();
        if (candidates.Count > 1)
        {
            // A class that implements a more specific interface derived from this one (IReentrantProbe : IProbe)
            // is reached through that interface; the class that implements this one directly wins.
            var direct = candidates.Where(c => !c.Interfaces.Any(i => i != grainInterface && grainInterface.IsAssignableFrom(i))).ToList();
            if (direct.Count >= 1)
            {
                candidates = direct;
            }
        }
        return candidates.Count switch
        {
            1 => _byInterface.GetOrAdd(grainInterface, candidates[0]),
            0 => throw new InvalidOperationException(
                $"No grain class implements {grainInterface.FullName}. Make sure the assembly with the grain class is added to the silo (AddGrains) and that the class derives from Grain."),
            _ => throw new InvalidOperationException(
                $"Several grain classes implement {grainInterface.FullName} ({string.Join(", ", candidates.Select(c => c.ClassType.Name))}); give each its own interface."),
        };
    }

    /// <summary>The class with grain type name <paramref name="typeName"/>, or null.</summary>
    public GrainClassInfo? ForTypeName(string typeName)
    {
        if (_byTypeName.TryGetValue(typeName, out var info))
        {
            return info;
        }
        Refresh();
        return _byTypeName.GetValueOrDefault(typeName);
    }

    private void Refresh()
    {
        var count = GrainTypeRegistry.Count;
        if (count == Volatile.Read(ref _registryCount))
        {
            return;
        }
        lock (_byClass)
        {
            foreach (var type in GrainTypeRegistry.Classes)
            {
                if (_byClass.ContainsKey(type))
                {
                    continue;
                }
                var info = new GrainClassInfo(type);
                if (_byTypeName.TryGetValue(info.TypeName, out var existing) && existing.ClassType != type)
                {
                    throw new InvalidOperationException(
                        $"Grain classes {existing.ClassType.FullName} and {type.FullName} both have grain type name '{info.TypeName}'; give one a [GrainType(\"...\")].");
                }
                _byClass[type] = info;
                _byTypeName[info.TypeName] = info;
            }
            Volatile.Write(ref _registryCount, count);
        }
    }
}
