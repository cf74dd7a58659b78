using System.Security.Cryptography;
using System.Text;

namespace Granary.Persistence.Schema;

/// <summary>One embedded migration script: <c>Schema/&lt;Dialect&gt;/NNNN_name.sql</c>.</summary>
/// <param name="Version">The number the file name starts with; versions run in ascending order.</param>
/// <param name="Name">The file name without extension, e.g. <c>0001_grain_storage</c>.</param>
/// <param name="ResourcePath">The embedded resource name, used in error messages.</param>
/// <param name="Sql">The script text with line endings normalised to LF.</param>
/// <param name="Checksum">Lower-case hex SHA-256 of <paramref name="Sql"/>.</param>
internal sealed record Migration(int Version, string Name, string ResourcePath, string Sql, string Checksum)
{
    /// <summary>Normalises line endings (so a Windows checkout hashes the same) and hashes the text.</summary>
    public static Migration Create(int version, string name, string resourcePath, string text)
    {
        var sql = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        return new Migration(version, name, resourcePath, sql, ComputeChecksum(sql));
    }

    public static string ComputeChecksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
}
