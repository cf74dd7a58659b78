using Npgsql;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// A database of its own on the tests' PostgreSQL server (created empty, dropped on dispose even while connections are
/// open), with its connection both as an Npgsql string (for silos) and as a libpq URI plus password (for pg_dump and
/// friends, which take the password from PGPASSWORD).
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private ScratchDatabase(string name)
    {
        Name = name;
        var builder = new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = name };
        ConnectionString = builder.ConnectionString;
        Password = builder.Password ?? "";
        LibpqUrl = $"postgresql://{Uri.EscapeDataString(builder.Username ?? "postgres")}@{builder.Host}:{builder.Port}/{name}";
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string LibpqUrl { get; }

    public string Password { get; }

    /// <summary>Creates database <paramref name="name"/> (lower-case letters, digits and underscores).</summary>
    public static async Task<ScratchDatabase> CreateAsync(string name)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new ArgumentException($"'{name}' is not a plain database name.", nameof(name));
        }
        await ExecuteOnServerAsync($"CREATE DATABASE {name}");
        return new ScratchDatabase(name);
    }

    /// <summary>One value of <paramref name="sql"/> run in this database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
