using System.Data;
using System.Data.Common;

namespace Granary.ReadModel;

/// <summary>
/// Typed parameters for statements that run unchanged on PostgreSQL and SQLite: both take <c>@name</c>, and a typed
/// null lets PostgreSQL infer <c>@x IS NULL</c>. Times are stored as microseconds since the Unix epoch (UTC), so
/// ordering and ranges are integer comparisons in both dialects.
/// </summary>
internal static class SqlCommands
{
    public static DbCommand Create(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public static DbCommand Text(this DbCommand command, string name, string? value) => command.Add(name, DbType.String, value);

    public static DbCommand Long(this DbCommand command, string name, long? value) => command.Add(name, DbType.Int64, value);

    public static DbCommand Int(this DbCommand command, string name, int value) => command.Add(name, DbType.Int32, value);

    /// <summary>A value whose database type the provider infers from it (PostgreSQL arrays: string[] is text[], int[] integer[]).</summary>
    public static DbCommand Inferred(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static DbCommand Time(this DbCommand command, string name, DateTimeOffset? value) => command.Long(name, value is { } time ? Micros(time) : null);

    /// <summary>
    /// The first column of every row <paramref name="sql"/> answers, bound by <paramref name="bind"/>: the keys the
    /// clean-up sweep and the reminder restore page through. None on memory storage (no database).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReadKeysAsync(this ReadModelDatabase database, string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        if (!database.Exists)
        {
            return [];
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Create(connection, sql);
        bind(command);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    /// <summary>Microseconds since the Unix epoch; the stored form of every time in the read model.</summary>
    public static long Micros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DbCommand Add(this DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
