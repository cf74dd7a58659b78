using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Granary.Persistence.Schema;

/// <summary>The migrations this build carries for each dialect, read once from the assembly's embedded resources.</summary>
internal static partial class MigrationCatalog
{
    private static readonly Lazy<IReadOnlyList<Migration>> _postgres = new(() => Load(StorageDialect.Postgres));
    private static readonly Lazy<IReadOnlyList<Migration>> _sqlite = new(() => Load(StorageDialect.Sqlite));

    /// <summary>The dialect's migrations in ascending version order (versions 1..n without gaps).</summary>
    public static IReadOnlyList<Migration> For(StorageDialect dialect) => dialect switch
    {
        StorageDialect.Postgres => _postgres.Value,
        StorageDialect.Sqlite => _sqlite.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown storage dialect."),
    };

    private static IReadOnlyList<Migration> Load(StorageDialect dialect)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var prefix = $"Schema/{dialect}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = FileName().Match(resource[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named NNNN_name.sql.");
            }

            var version = int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture);
            var name = match.Groups["name"].Value;
            migrations.Add(Migration.Create(version, name, resource, ReadText(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            // A gap or a duplicate would make "the database is at version N" ambiguous.
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Embedded migrations for {dialect} must be numbered 1..n without gaps; found '{migrations[i].ResourcePath}' at position {i + 1}.");
            }
        }

        return migrations;
    }

    private static string ReadText(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<name>(?<version>\d{4})_[a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}
