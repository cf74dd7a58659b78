namespace Granary.Hosting;

/// <summary>Grain storage (configuration section <c>Granary:Storage</c>): the provider registered under the name <c>Default</c>.</summary>
public sealed class GranaryStorageOptions
{
    /// <summary>Configuration section the options bind to.</summary>
    public const string Section = "Granary:Storage";

    /// <summary><c>Sqlite</c> (one file, a single silo) or <c>Postgres</c> (required by a cluster); case-insensitive.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Apply the schema at start-up; when false, start-up fails unless the schema is already current.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>SQLite settings.</summary>
    public GranarySqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>PostgreSQL settings.</summary>
    public GranaryPostgresStorageOptions Postgres { get; set; } = new();
}

/// <summary>SQLite grain storage (<c>Granary:Storage:Sqlite</c>).</summary>
public sealed class GranarySqliteStorageOptions
{
    /// <summary>Database file; a relative path resolves against the host's content root; missing folders are created.</summary>
    public string Path { get; set; } = "data/granary.db";
}

/// <summary>PostgreSQL grain storage (<c>Granary:Storage:Postgres</c>).</summary>
public sealed class GranaryPostgresStorageOptions
{
    /// <summary>Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "";
}
