namespace Granary.Runtime.Tests.Infrastructure;

/// <summary>A fresh folder under the temp directory for one test's SQLite files, removed (with SQLite's pooled handles released) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "granary-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A file path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
