using System.Data.Common;

namespace Granary.Persistence.Storage;

/// <summary>
/// A statement that belongs with a grain's next state write — its read-model row — committed in the same transaction
/// as that write and only when the write is stored. A grain hands one over around its write
/// (<see cref="WriteWithAsync"/>); the PostgreSQL grain storage (<see cref="GroupCommitStateWrites"/>) takes it into
/// the write's batch. Storage that can't take it along (SQLite, memory, a key the group writes don't handle) leaves
/// it, and the caller writes the statement itself after the state, as it would without a companion.
/// </summary>
/// <remarks>
/// The statement must apply only when the state write did, which it says with <see cref="WhenStored"/> (the stored
/// row at the version this write makes): a write refused for a stale ETag then changes nothing, its companion
/// included. The storage binds the <c>@stored_*</c> parameters; <paramref name="bind"/> binds the rest by name.
/// </remarks>
public sealed class StateWriteCompanion(string sql, Action<DbCommand> bind)
{
    /// <summary>
    /// A condition true only when the state write this companion rides with stored its new version in this very
    /// transaction (Granary's grain storage table, <c>granary_grain_storage</c>). The version alone can't tell: a
    /// write refused for a stale ETag finds the row at the version it meant to make, made by someone else; the row's
    /// <c>xmin</c> (the transaction that wrote it, 32 bits of the current 64-bit transaction id) can.
    /// </summary>
    public const string WhenStored = """
        EXISTS (SELECT 1 FROM granary_grain_storage
                WHERE grain_id_hash = @stored_grain_hash AND state_name_hash = @stored_state_hash
                  AND service_id = @stored_service AND grain_id_n0 = 0 AND grain_id_n1 = 0
                  AND state_name = @stored_state AND grain_id_string = @stored_key AND version = @stored_version
                  AND xmin::text = (pg_current_xact_id()::text::bigint % 4294967296)::text)
        """;

    private static readonly AsyncLocal<StateWriteCompanion?> Offered = new();

    public string Sql { get; } = sql ?? throw new ArgumentNullException(nameof(sql));

    public Action<DbCommand> Bind { get; } = bind ?? throw new ArgumentNullException(nameof(bind));

    /// <summary>Whether a state write took this companion into its batch.</summary>
    public bool Taken { get; private set; }

    /// <summary>
    /// Runs <paramref name="writeState"/> (the grain's <c>WriteStateAsync</c>, called from the grain's own turn) with
    /// <paramref name="companion"/> offered to it. True when the write took the companion: the write's success means
    /// both are committed. False when the storage left it: the caller writes the statement itself.
    /// </summary>
    public static async Task<bool> WriteWithAsync(StateWriteCompanion companion, Func<Task> writeState)
    {
        ArgumentNullException.ThrowIfNull(companion);
        ArgumentNullException.ThrowIfNull(writeState);
        // An async local set here is seen by the storage call below and by nothing after this method returns.
        Offered.Value = companion;
        try
        {
            await writeState();
        }
        finally
        {
            Offered.Value = null;
        }
        return companion.Taken;
    }

    /// <summary>The companion offered to the state write running now, taken by it (at most once); null when none.</summary>
    internal static StateWriteCompanion? Take()
    {
        if (Offered.Value is not { Taken: false } companion)
        {
            return null;
        }
        companion.Taken = true;
        return companion;
    }
}
