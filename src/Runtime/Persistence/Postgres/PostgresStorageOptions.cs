namespace Granary.Runtime.Persistence.Postgres;

/// <summary>Settings of the PostgreSQL grain state store (configuration section <c>Granary:Storage:Postgres</c>).</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Npgsql connection string (required); the tables live in the connection's default schema.</summary>
    public string? ConnectionString { get; set; }
}
