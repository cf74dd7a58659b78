namespace Granary.WebApi.Queries;

/// <summary>
/// The statements that find expired records, for one SQL dialect (see <see cref="OrderListSql"/> for
/// <c>field</c> and <c>parameter</c>). Rows are those of IdempotencyGrain (type "idempotency", state "idempotency":
/// <c>createdAt</c>) and RefreshTokenFamilyGrain (type "refreshtokenfamily", state "family": <c>revoked</c>,
/// <c>currentExpiresAt</c>); keys come in grain_key order after <c>after</c>, so a sweep pages with a cursor.
/// </summary>
/// <param name="before">How the dialect tests "the time field is before the time parameter".</param>
/// <param name="isTrue">How the dialect tests "the boolean field is true".</param>
internal sealed class ExpiredRecordsSql(Func<string, string> parameter, Func<string, string, string> before, Func<string, string> isTrue)
{
    public const string IdempotencyType = "idempotency";
    public const string IdempotencyState = "idempotency";
    public const string RefreshFamilyType = "refreshtokenfamily";
    public const string RefreshFamilyState = "family";

    public string Idempotency { get; } = $"""
        SELECT grain_key FROM granary_grain_state
        WHERE grain_type = '{IdempotencyType}' AND state_name = '{IdempotencyState}'
          AND {before("createdAt", parameter("cutoff"))}
          AND ({parameter("after")} IS NULL OR grain_key > {parameter("after")})
        ORDER BY grain_key
        LIMIT {parameter("limit")}
        """;

    public string RefreshFamilies { get; } = $"""
        SELECT grain_key FROM granary_grain_state
        WHERE grain_type = '{RefreshFamilyType}' AND state_name = '{RefreshFamilyState}'
          AND ({isTrue("revoked")} OR {before("currentExpiresAt", parameter("cutoff"))})
          AND ({parameter("after")} IS NULL OR grain_key > {parameter("after")})
        ORDER BY grain_key
        LIMIT {parameter("limit")}
        """;
}
