using System.Data.Common;
using Granary.Persistence.Batching;
using Npgsql;

namespace Granary.ReadModel;

/// <summary>
/// Read-model statements written in groups with the statements of other grains (<see cref="StatementGroups{TStatement}"/>):
/// a <see cref="DbBatch"/> on PostgreSQL (one round trip, one implicit transaction), one transaction on SQLite. A
/// caller's task completes when its group is committed, so a grain still answers only after its row is stored
/// (read-your-writes); a statement that fails alone leaves its grain to repair the row on its next activation.
/// </summary>
internal sealed class ReadModelStatementGroups(ReadModelDatabase database)
    : StatementGroups<ReadModelStatementGroups.Statement>(MaxGroup)
{
    /// <summary>Most statements in one group (PostgreSQL's 65,535 parameters per batch stay far away).</summary>
    public const int MaxGroup = 128;

    public Task RunAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        var statement = new Statement(sql, bind);
        Enqueue(statement);
        return statement.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(IReadOnlyList<Statement> group)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        if (connection is NpgsqlConnection postgres)
        {
            // One round trip, run by PostgreSQL as one implicit transaction (a group of one is a batch of one).
            await using var batch = postgres.CreateBatch();
            foreach (var statement in group)
            {
                // Positional: Npgsql then sends the text as it is instead of parsing it on every execution.
                batch.BatchCommands.Add(PositionalSql.BatchCommand(statement.Sql, statement.Bind));
            }
            await batch.ExecuteNonQueryAsync();
            return;
        }
        await using var transaction = group.Count > 1 ? await connection.BeginTransactionAsync() : null;
        foreach (var statement in group)
        {
            await using var command = Command(connection, statement);
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync();
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }
    }

    private static DbCommand Command(DbConnection connection, Statement statement)
    {
        var command = SqlCommands.Create(connection, statement.Sql);
        statement.Bind(command);
        return command;
    }

    internal sealed class Statement(string sql, Action<DbCommand> bind) : GroupedStatement
    {
        public string Sql { get; } = sql;

        public Action<DbCommand> Bind { get; } = bind;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Committed() => Done.TrySetResult();

        public override void Failed(Exception exception) => Done.TrySetException(exception);
    }
}
