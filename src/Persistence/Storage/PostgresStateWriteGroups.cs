using Granary.Persistence.Batching;
using Npgsql;
using NpgsqlTypes;

namespace Granary.Persistence.Storage;

/// <summary>
/// Grain state writes of many grains in one <see cref="NpgsqlBatch"/>: one round trip, one implicit transaction, one
/// commit (<see cref="StatementGroups{TStatement}"/>). Each write runs the provider's own WriteToStorage query and
/// answers its new version, or none when its ETag didn't match. PostgreSQL pays a transaction and a WAL flush per
/// commit, so under load a group of N writes costs about one write's commit instead of N (bench/run.sh jobs).
/// </summary>
internal sealed class PostgresStateWriteGroups(NpgsqlDataSource dataSource) : StatementGroups<StateWrite>(MaxGroup), IAsyncDisposable
{
    /// <summary>Most writes in one group: 128 × 9 parameters, far from PostgreSQL's 65,535 per batch.</summary>
    public const int MaxGroup = 128;

    /// <summary>Writes <paramref name="write"/> in the next group; its task gives the new version, or null on an ETag mismatch.</summary>
    public Task<int?> WriteAsync(StateWrite write)
    {
        Enqueue(write);
        return write.Done.Task;
    }

    protected override async Task ExecuteAsync(IReadOnlyList<StateWrite> group)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var write in group)
        {
            batch.BatchCommands.Add(Command(write));
        }
        // The companions after every state write: each applies only when its own write stored (WhenStored), and any
        // that fails fails the group, state writes included.
        foreach (var write in group)
        {
            if (write.Companion is { } companion)
            {
                batch.BatchCommands.Add(PositionalSql.BatchCommand(companion.Sql, command => Bind(command, write, companion)));
            }
        }
        await using var reader = await batch.ExecuteReaderAsync();
        foreach (var write in group)
        {
            // The query answers one row with the new version, or no row when the ETag didn't match.
            write.NewVersion = await reader.ReadAsync() && !await reader.IsDBNullAsync(0) ? reader.GetInt32(0) : null;
            await reader.NextResultAsync();
        }
        // Read to the end: an error of a statement further on surfaces here, not lost in the reader's disposal.
        while (await reader.NextResultAsync())
        {
        }
    }

    /// <summary>The companion's own values, then the stored row it waits for (<see cref="StateWriteCompanion.WhenStored"/>).</summary>
    private static void Bind(System.Data.Common.DbCommand command, StateWrite write, StateWriteCompanion companion)
    {
        companion.Bind(command);
        var parameters = (NpgsqlParameterCollection)command.Parameters;
        parameters.Add(new NpgsqlParameter<int>("stored_grain_hash", NpgsqlDbType.Integer) { TypedValue = write.Key.GrainIdHash });
        parameters.Add(new NpgsqlParameter<int>("stored_state_hash", NpgsqlDbType.Integer) { TypedValue = write.Key.StateNameHash });
        parameters.Add(new NpgsqlParameter<string>("stored_service", NpgsqlDbType.Varchar) { TypedValue = write.Key.ServiceId });
        parameters.Add(new NpgsqlParameter<string>("stored_state", NpgsqlDbType.Text) { TypedValue = write.Key.StateName });
        parameters.Add(new NpgsqlParameter<string>("stored_key", NpgsqlDbType.Text) { TypedValue = write.Key.GrainKey });
        // The provider's write makes version 1 for a new row and the ETag's version + 1 otherwise.
        parameters.Add(new NpgsqlParameter<int>("stored_version", NpgsqlDbType.Integer) { TypedValue = (write.Version ?? 0) + 1 });
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <summary>The provider's query with the write's key, its ETag's version and its payload.</summary>
    private static NpgsqlBatchCommand Command(StateWrite write) => write.Key.Command(write.Sql, name => name switch
    {
        "GrainStateVersion" => write.Version is { } version
            ? new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = version }
            : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = DBNull.Value },
        "PayloadBinary" => new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = write.Payload },
        _ => null,
    });
}

/// <summary>One grain's state write, as the provider's WriteToStorage query takes it.</summary>
internal sealed class StateWrite(string sql, StateKey key, int? version, byte[] payload, StateWriteCompanion? companion = null)
    : GroupedStatement
{
    public string Sql { get; } = sql;

    public StateKey Key { get; } = key;

    /// <summary>The caller's ETag as the stored version; null on a first write.</summary>
    public int? Version { get; } = version;

    public byte[] Payload { get; } = payload;

    /// <summary>The statement committed with this write when it stores (the grain's read-model row), if any.</summary>
    public StateWriteCompanion? Companion { get; } = companion;

    /// <summary>Set while the group executes: the version stored, or null when the ETag didn't match.</summary>
    public int? NewVersion { get; set; }

    public TaskCompletionSource<int?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Committed() => Done.TrySetResult(NewVersion);

    public override void Failed(Exception exception) => Done.TrySetException(exception);
}
