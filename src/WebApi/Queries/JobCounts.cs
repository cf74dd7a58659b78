using System.Data.Common;
using Granary.Grains.Jobs;

namespace Granary.WebApi.Queries;

/// <summary>Reading the rows of job statements, shared by both dialects (their readers are both ADO.NET readers).</summary>
internal static class JobCounts
{
    /// <summary>Rows (kind, status, count) into a dictionary; statuses the code doesn't know are left out.</summary>
    public static async Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<(JobKind, JobStatus), long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (Enum.TryParse<JobKind>(reader.GetString(0), ignoreCase: true, out var kind)
                && !reader.IsDBNull(1) && Enum.TryParse<JobStatus>(reader.GetString(1), out var status))
            {
                counts[(kind, status)] = reader.GetInt64(2);
            }
        }
        return counts;
    }

    /// <summary>Reads up to limit + 1 rows (payload, createdAt text, grain key); the extra row only says another page follows.</summary>
    public static async Task<CursorPage<T>> ReadPageAsync<T>(DbDataReader reader, int limit, Func<string, string, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        OrderCursor? last = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                // The next page starts after the last row shown, keyed by its stored text (no re-serialised time).
                return new CursorPage<T>(items, last);
            }
            items.Add(read(reader.GetString(0), reader.GetString(2)));
            last = new OrderCursor(reader.GetString(1), reader.GetString(2));
        }
        return new CursorPage<T>(items, null);
    }
}
