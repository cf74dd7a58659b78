using Microsoft.Extensions.Logging;

namespace Granary.Persistence.Schema;

/// <summary>Log messages of schema migration.</summary>
internal static partial class SchemaLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Applying schema migration {Version} ({Resource}) to {Database}")]
    public static partial void ApplyingMigration(this ILogger logger, int version, string resource, string database);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "{Database} migrated from schema version {FromVersion} to {ToVersion}")]
    public static partial void Migrated(this ILogger logger, string database, int fromVersion, int toVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug,
        Message = "{Database} is at schema version {Version}, nothing to apply")]
    public static partial void AlreadyCurrent(this ILogger logger, string database, int version);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "{Database} is at the expected schema version {Version} (start-up migration is off)")]
    public static partial void Verified(this ILogger logger, string database, int version);
}
