using System.Data.Common;
using Npgsql;

namespace Granary.Persistence;

/// <summary>Builds the Npgsql connection string Granary's PostgreSQL storage uses: the operator's, with three defaults.</summary>
public static class PostgresDatabase
{
    /// <summary>
    /// Unless the connection string sets them: <c>Max Auto Prepare=20</c> (the few statements the providers run again
    /// and again are prepared once per connection), <c>No Reset On Close=true</c> (a pooled connection comes back
    /// without DISCARD ALL, which would also drop those prepared statements) — together they about halve PostgreSQL's
    /// CPU per state write — and <c>Multiplexing=true</c>: the statements of many grains at once share a few
    /// connections and go out in one network write (bench/run.sh http: post_order 618 → 806/s, PostgreSQL CPU per
    /// order 1,170 → 777 µs). Grain storage and the read model run single statements, asynchronously, outside
    /// explicit transactions, which is what multiplexing serves; schema migrations connect with the operator's
    /// string as given.
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
        if (!given.Contains("Multiplexing"))
        {
            builder.Multiplexing = true;
        }
        return builder.ConnectionString;
    }
}
