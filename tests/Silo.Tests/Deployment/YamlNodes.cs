using YamlDotNet.RepresentationModel;

namespace Granary.Silo.Tests.Deployment;

/// <summary>Reading a parsed YAML document by path, failing with the path that is missing.</summary>
internal static class YamlNodes
{
    /// <summary>The node at <paramref name="path"/> (keys separated by '/'), or null when any of them is missing.</summary>
    public static YamlNode? Find(this YamlNode node, string path)
    {
        var current = node;
        foreach (var key in path.Split('/'))
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }
            current = child;
        }
        return current;
    }

    public static YamlMappingNode Mapping(this YamlNode node, string path) =>
        node.Find(path) as YamlMappingNode ?? throw new Xunit.Sdk.XunitException($"'{path}' is missing or not a mapping.");

    public static string Scalar(this YamlNode node, string path) =>
        (node.Find(path) as YamlScalarNode)?.Value ?? throw new Xunit.Sdk.XunitException($"'{path}' is missing or not a scalar.");

    /// <summary>The scalar items of the sequence at <paramref name="path"/>; empty when it is missing.</summary>
    public static IReadOnlyList<string> Scalars(this YamlNode node, string path) =>
        node.Find(path) is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
            : [];

    /// <summary>The keys of the mapping at <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> Keys(this YamlNode node, string path) =>
        node.Mapping(path).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
}
