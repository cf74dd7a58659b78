using Granary.Persistence.Batching;
using Npgsql;
using NpgsqlTypes;

namespace Granary.Persistence.Storage;

/// <summary>
/// One grain's state row as the provider's queries find it: its service, state name and string key with the
/// provider's hashes of them (a string key: N0 and N1 are 0).
/// </summary>
internal sealed record StateKey(string ServiceId, string StateName, int StateNameHash, string GrainKey, int GrainIdHash)
{
    /// <summary>The value of the provider's key parameter <c>@name</c>; null when <paramref name="name"/> is not one of them.</summary>
    public NpgsqlParameter? Parameter(string name) => name switch
    {
        "GrainIdHash" => new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = GrainIdHash },
        "GrainIdN0" or "GrainIdN1" => new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = 0 },
        "GrainTypeHash" => new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = StateNameHash },
        "GrainTypeString" => new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = StateName },
        "GrainIdExtensionString" => new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = GrainKey },
        "ServiceId" => new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Varchar, TypedValue = ServiceId },
        _ => null,
    };

    /// <summary>
    /// The provider's query <paramref name="sql"/> in positional form (<see cref="PositionalSql"/>), its key values and
    /// those <paramref name="other"/> gives (null for a name it doesn't know).
    /// </summary>
    public NpgsqlBatchCommand Command(string sql, Func<string, NpgsqlParameter?> other) =>
        PositionalSql.BatchCommand(sql, name => Parameter(name) ?? other(name));
}
