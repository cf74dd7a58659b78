using Granary.Persistence.Batching;
using Npgsql;

namespace Granary.Persistence.Storage;

/// <summary>
/// Grain state reads of many grains in one <see cref="NpgsqlBatch"/>: one round trip and one transaction instead of
/// one each (<see cref="StatementGroups{TStatement}"/>). Every grain reads its state when it activates, a new order or
/// job as much as an old one, so under load reads arrive as often as writes. Each read runs the provider's own
/// ReadFromStorage query and answers the row's payload and version, or nothing when there is no row.
/// </summary>
internal sealed class PostgresStateReadGroups(NpgsqlDataSource dataSource) : StatementGroups<StateRead>(MaxGroup), IAsyncDisposable
{
    /// <summary>Most reads in one group: 128 × 7 parameters, far from PostgreSQL's 65,535 per batch.</summary>
    public const int MaxGroup = 128;

    /// <summary>Reads <paramref name="read"/> in the next group; its task completes when the group has been read.</summary>
    public Task ReadAsync(StateRead read)
    {
        Enqueue(read);
        return read.Done.Task;
    }

    protected override async Task ExecuteAsync(IReadOnlyList<StateRead> group)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var read in group)
        {
            batch.BatchCommands.Add(read.Key.Command(read.Sql, static _ => null));
        }
        await using var reader = await batch.ExecuteReaderAsync();
        foreach (var read in group)
        {
            // The query answers the row (payload, version) or nothing; a cleared row has a version and no payload.
            if (await reader.ReadAsync())
            {
                read.Payload = await reader.IsDBNullAsync(0) ? null : reader.GetFieldValue<byte[]>(0);
                read.Version = await reader.IsDBNullAsync(1) ? null : reader.GetInt32(1);
            }
            await reader.NextResultAsync();
        }
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}

/// <summary>One grain's state read, as the provider's ReadFromStorage query takes it.</summary>
internal sealed class StateRead(string sql, StateKey key) : GroupedStatement
{
    public string Sql { get; } = sql;

    public StateKey Key { get; } = key;

    /// <summary>Set while the group is read: the stored payload, null when there is none.</summary>
    public byte[]? Payload { get; set; }

    /// <summary>Set while the group is read: the row's version, null when there is no row.</summary>
    public int? Version { get; set; }

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Committed() => Done.TrySetResult();

    public override void Failed(Exception exception) => Done.TrySetException(exception);
}
