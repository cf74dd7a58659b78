using System.Diagnostics;

namespace Granary.Persistence.Batching;

/// <summary>
/// Writes statements in groups, group-commit style: a statement that arrives while a group is being written waits for
/// the next group, which carries every statement that arrived meanwhile (at most the group limit) in one round trip
/// and one transaction. Nothing waits for a timer: under light load a group is one statement, written at once. A
/// statement completes when its group is committed, so its caller still answers only after the write is durable.
/// When a group fails, its statements are written again one at a time, so a statement that can't be written fails
/// alone and the others succeed. Subclasses say how a group is executed (<see cref="ExecuteAsync"/>).
/// For tracing, each group is an activity (source <see cref="ActivitySourceName"/>) that continues the trace of its
/// first statement and links the others', so a database span sits in one caller's trace and is found from the rest.
/// </summary>
/// <typeparam name="TStatement">What one caller asked to write, and where its outcome goes.</typeparam>
public abstract class StatementGroups<TStatement>
    where TStatement : GroupedStatement
{
    /// <summary>The activity source of group writes.</summary>
    public const string ActivitySourceName = "Granary.Persistence";

    private static readonly ActivitySource Groups = new(ActivitySourceName);

    private readonly int _maxGroup;
    private readonly Lock _gate = new();
    private List<TStatement> _waiting = [];
    private bool _writing;
    private long _groups;

    /// <param name="maxGroup">Most statements in one group.</param>
    protected StatementGroups(int maxGroup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _maxGroup = maxGroup;
    }

    /// <summary>Groups written so far (a group written again statement by statement counts once).</summary>
    public long GroupsWritten => Interlocked.Read(ref _groups);

    /// <summary>
    /// Executes one group in one round trip and one transaction, recording each statement's result on it; throws when
    /// the group as a whole failed (nothing of it is committed).
    /// </summary>
    protected abstract Task ExecuteAsync(IReadOnlyList<TStatement> group);

    /// <summary>Queues a statement for the next group; it is completed or failed once that group is written.</summary>
    protected void Enqueue(TStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        bool start;
        lock (_gate)
        {
            _waiting.Add(statement);
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            // Off the caller's scheduler (a grain's): the groups are written on the thread pool, without the first
            // caller's execution context (its activity would become every later group's parent).
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(WriteGroupsAsync, CancellationToken.None);
            }
        }
    }

    private async Task WriteGroupsAsync()
    {
        while (true)
        {
            List<TStatement> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                if (_waiting.Count <= _maxGroup)
                {
                    group = _waiting;
                    _waiting = [];
                }
                else
                {
                    group = _waiting.GetRange(0, _maxGroup);
                    _waiting.RemoveRange(0, _maxGroup);
                }
            }
            await WriteAsync(group);
        }
    }

    private async Task WriteAsync(List<TStatement> group)
    {
        Interlocked.Increment(ref _groups);
        using var activity = Groups.HasListeners() ? StartActivity(group) : null;
        try
        {
            await ExecuteAsync(group);
            group.ForEach(statement => statement.Committed());
            return;
        }
        catch (Exception exception) when (group.Count == 1)
        {
            group[0].Failed(exception);
            return;
        }
        catch (Exception)
        {
            // One statement may have failed them all: each is written on its own below.
        }
        activity?.SetTag("granary.group.split", true);
        foreach (var statement in group)
        {
            try
            {
                await ExecuteAsync([statement]);
                statement.Committed();
            }
            catch (Exception exception)
            {
                statement.Failed(exception);
            }
        }
    }

    private static Activity? StartActivity(List<TStatement> group)
    {
        var links = group.Skip(1).Where(s => s.Caller != default).Select(s => new ActivityLink(s.Caller)).ToList();
        var activity = Groups.StartActivity("state write group", ActivityKind.Internal, group[0].Caller, links: links);
        activity?.SetTag("granary.group.size", group.Count);
        return activity;
    }
}

/// <summary>One statement waiting in <see cref="StatementGroups{TStatement}"/>: told once whether its group committed.</summary>
public abstract class GroupedStatement
{
    /// <summary>The trace context of whoever asked for the statement (default when none).</summary>
    public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

    /// <summary>The statement's group is committed; its result (if any) was recorded during execution.</summary>
    public abstract void Committed();

    /// <summary>The statement could not be written, alone or in its group.</summary>
    public abstract void Failed(Exception exception);
}
