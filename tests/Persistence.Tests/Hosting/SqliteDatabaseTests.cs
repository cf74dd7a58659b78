using Microsoft.Data.Sqlite;

namespace Granary.Persistence.Tests.Hosting;

/// <summary>The SQLite connection string every Granary SQLite provider gets.</summary>
public sealed class SqliteDatabaseTests
{
    [Fact]
    public void ConnectionString_CreatesTheFolderAndSetsPoolingAndBusyTimeout()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"granary-sqlite-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "nested", "granary.db");
        try
        {
            var builder = new SqliteConnectionStringBuilder(SqliteDatabase.ConnectionString(path, TimeSpan.FromMilliseconds(2500)));

            Assert.True(Directory.Exists(Path.Combine(folder, "nested")));
            Assert.Equal(path, builder.DataSource);
            Assert.Equal(3, builder.DefaultTimeout);
            Assert.True(builder.Pooling);
            Assert.Equal(SqliteOpenMode.ReadWriteCreate, builder.Mode);
            Assert.Equal(30, new SqliteConnectionStringBuilder(SqliteDatabase.ConnectionString(path)).DefaultTimeout);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
