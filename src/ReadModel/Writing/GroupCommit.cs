using System.Data.Common;

namespace Granary.ReadModel;

/// <summary>
/// Writes read-model statements in groups, group-commit style: a statement that arrives while a group is being
/// written waits for the next group, which carries every statement that arrived meanwhile (at most
/// <see cref="MaxGroup"/>) in one round trip and one transaction — a <see cref="DbBatch"/> on PostgreSQL, one
/// transaction on SQLite. Nothing waits for a timer: under light load a group is one statement, written at once. A
/// caller's task completes when its group is committed, so a grain still answers only after its row is stored
/// (read-your-writes). When a group fails, its statements are written again one at a time, so a statement that can't
/// be written fails alone (its grain repairs the row on its next activation) and the others succeed.
/// </summary>
internal sealed class GroupCommit(ReadModelDatabase database)
{
    /// <summary>Most statements in one group (PostgreSQL's 65,535 parameters per batch stay far away).</summary>
    public const int MaxGroup = 128;

    private readonly Lock _gate = new();
    private List<Pending> _waiting = [];
    private bool _writing;
    private long _groups;

    /// <summary>Groups written so far (a group written again statement by statement counts once).</summary>
    public long GroupsWritten => Interlocked.Read(ref _groups);

    public Task RunAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        var pending = new Pending(sql, bind, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _waiting.Add(pending);
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            // Off the caller's scheduler (a grain's): the groups are written on the thread pool.
            _ = Task.Run(WriteGroupsAsync, CancellationToken.None);
        }
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteGroupsAsync()
    {
        while (true)
        {
            List<Pending> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                if (_waiting.Count <= MaxGroup)
                {
                    group = _waiting;
                    _waiting = [];
                }
                else
                {
                    group = _waiting.GetRange(0, MaxGroup);
                    _waiting.RemoveRange(0, MaxGroup);
                }
            }
            await WriteAsync(group);
        }
    }

    private async Task WriteAsync(List<Pending> group)
    {
        Interlocked.Increment(ref _groups);
        try
        {
            await ExecuteAsync(group);
            group.ForEach(p => p.Done.TrySetResult());
            return;
        }
        catch (Exception exception) when (group.Count == 1)
        {
            group[0].Done.TrySetException(exception);
            return;
        }
        catch (Exception)
        {
            // One statement may have failed them all: each is written on its own below.
        }
        foreach (var pending in group)
        {
            try
            {
                await ExecuteAsync([pending]);
                pending.Done.TrySetResult();
            }
            catch (Exception exception)
            {
                pending.Done.TrySetException(exception);
            }
        }
    }

    private async Task ExecuteAsync(List<Pending> group)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        if (group.Count == 1)
        {
            await using var command = Command(connection, group[0]);
            await command.ExecuteNonQueryAsync();
        }
        else if (connection.CanCreateBatch)
        {
            // One round trip, run by PostgreSQL as one implicit transaction.
            await using var batch = connection.CreateBatch();
            foreach (var pending in group)
            {
                var statement = batch.CreateBatchCommand();
                statement.CommandText = pending.Sql;
                await using var scratch = Command(connection, pending);
                var parameters = scratch.Parameters.Cast<DbParameter>().ToArray();
                scratch.Parameters.Clear();
                statement.Parameters.AddRange(parameters);
                batch.BatchCommands.Add(statement);
            }
            await batch.ExecuteNonQueryAsync();
        }
        else
        {
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var pending in group)
            {
                await using var command = Command(connection, pending);
                command.Transaction = transaction;
                await command.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
    }

    private static DbCommand Command(DbConnection connection, Pending pending)
    {
        var command = SqlCommands.Create(connection, pending.Sql);
        pending.Bind(command);
        return command;
    }

    private sealed record Pending(string Sql, Action<DbCommand> Bind, TaskCompletionSource Done);
}
