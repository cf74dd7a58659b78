namespace Granary.Persistence;

/// <summary>What one <see cref="SchemaMigrator.MigrateAsync"/> call did.</summary>
/// <param name="FromVersion">The schema version found (0 for a database Granary never touched).</param>
/// <param name="ToVersion">The schema version after the call; equals <see cref="SchemaMigrator.LatestVersion"/>.</param>
/// <param name="Applied">The migrations this call applied, in order (e.g. <c>0001_grain_storage</c>); empty when already current.</param>
public sealed record SchemaMigrationResult(int FromVersion, int ToVersion, IReadOnlyList<string> Applied);
