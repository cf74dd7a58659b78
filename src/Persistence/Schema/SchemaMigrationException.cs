namespace Granary.Persistence;

/// <summary>
/// The database schema cannot be used or migrated by this build: an applied migration differs from the
/// embedded one, the database is newer than this build, a migration failed, or (when start-up migration is
/// off) the schema is not current. The message names the database, the version and the file.
/// </summary>
public sealed class SchemaMigrationException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong and what to do.</summary>
    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the database error that caused it.</summary>
    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
