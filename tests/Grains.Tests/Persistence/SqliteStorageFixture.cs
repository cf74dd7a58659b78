using Granary.Persistence;
using Microsoft.Data.Sqlite;

namespace Granary.Grains.Tests.Persistence;

/// <summary>
/// A cluster on Granary's SQLite storage and reminders in a scratch file, shared by the classes of the
/// <see cref="SqliteStorageCollection"/>. The file also holds a test-only fault table: while it names a state, a
/// trigger fails every update of that state's rows, as an unavailable storage would.
/// </summary>
public sealed class SqliteStorageFixture : ClusterFixture
{
    private readonly string _folder;

    public SqliteStorageFixture()
        : this(Directory.CreateTempSubdirectory("granary-grains-sqlite-").FullName)
    {
    }

    private SqliteStorageFixture(string folder)
        : base(options => options.SqliteFile = Path.Combine(folder, "granary.db"))
    {
        _folder = folder;
        ConnectionString = SqliteDatabase.ConnectionString(Path.Combine(folder, "granary.db"));
    }

    public string ConnectionString { get; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync("""
            CREATE TABLE granary_test_faults (state_name TEXT NOT NULL PRIMARY KEY);
            CREATE TRIGGER granary_test_fail_writes BEFORE UPDATE ON granary_grain_storage
            WHEN EXISTS (SELECT 1 FROM granary_test_faults f WHERE f.state_name = NEW.state_name)
            BEGIN SELECT RAISE(ABORT, 'storage unavailable (test fault)'); END;
            """);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until the grain has no activation in the cluster (one being deactivated still counts).</summary>
    public Task WaitForNoActivationAsync(IAddressable grain) =>
        Poll.UntilAsync(() => Task.FromResult(!Cluster.TestCluster.TryGetGrainContext(grain.GetGrainId(), out _)), $"{grain.GetGrainId()} to be deactivated");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        using (var connection = new SqliteConnection(ConnectionString))
        {
            // Pooled connections keep the file open; release this file's before deleting it.
            SqliteConnection.ClearPool(connection);
        }
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The classes sharing one <see cref="SqliteStorageFixture"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SqliteStorageCollection : ICollectionFixture<SqliteStorageFixture>
{
    public const string Name = "Granary SQLite storage";
}
