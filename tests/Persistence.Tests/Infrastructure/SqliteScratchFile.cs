using Microsoft.Data.Sqlite;

namespace Granary.Persistence.Tests.Infrastructure;

/// <summary>A SQLite file in a folder of its own under the temp directory, deleted on dispose.</summary>
internal sealed class SqliteScratchFile : IDisposable
{
    private readonly string _folder;

    public SqliteScratchFile()
    {
        _folder = Path.Combine(Path.GetTempPath(), "granary-persistence-tests", Guid.NewGuid().ToString("N"));
        // A sub-folder that does not exist yet: ConnectionString must create it.
        FilePath = Path.Combine(_folder, "data", "granary.db");
        ConnectionString = SqliteDatabase.ConnectionString(FilePath);
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
