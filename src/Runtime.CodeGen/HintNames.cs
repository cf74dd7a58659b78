using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Granary.Runtime.CodeGen;

/// <summary>An item to emit and the file name (hint name) it goes to.</summary>
internal readonly record struct Named<T>(T Item, string HintName);

/// <summary>Assigns generated-file names that stay unique when type names differ only in case.</summary>
internal static class HintNames
{
    /// <summary>
    /// Names each item "&lt;base&gt;.g.cs". Roslyn compares hint names ignoring case; items whose base names collide that
    /// way get ".2", ".3"… in ordinal order of their exact names, so the assignment does not depend on input order.
    /// </summary>
    public static IEnumerable<Named<T>> Assign<T>(IEnumerable<T> items, Func<T, string> baseName)
    {
        return items
            .Select(item => (Item: item, Name: baseName(item)))
            .GroupBy(x => x.Name, StringComparer.OrdinalIgnoreCase)
            .SelectMany(group => group
                .OrderBy(x => x.Name, StringComparer.Ordinal)
                .Select((x, index) => new Named<T>(
                    x.Item,
                    index == 0 ? x.Name + ".g.cs" : x.Name + "." + (index + 1).ToString(CultureInfo.InvariantCulture) + ".g.cs")));
    }
}
