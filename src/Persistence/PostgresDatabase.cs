using System.Data.Common;
using Npgsql;

namespace Granary.Persistence;

/// <summary>Builds the Npgsql connection string Granary's PostgreSQL storage uses: the operator's, with two defaults.</summary>
public static class PostgresDatabase
{
    /// <summary>
    /// Unless the connection string sets them: <c>Max Auto Prepare=20</c> (the few statements the providers run again
    /// and again are prepared once per connection) and <c>No Reset On Close=true</c> (a pooled connection comes back
    /// without DISCARD ALL, which would also drop those prepared statements). Together they about halve PostgreSQL's
    /// CPU per state write.
    /// </summary>
    public static string ConnectionString(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 20;
        }
        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }
}
