namespace Granary.Runtime.Persistence.Schema;

/// <summary>One step of a component's SQL schema. Versions start at 1 and never change once released.</summary>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
