using Granary.Grains.Scheduling;
using Microsoft.Extensions.Configuration;

namespace Granary.WebApi.Queries;

/// <summary>
/// Picks the <see cref="IExpiredRecords"/> implementation from <c>Granary:Storage:Provider</c>, like
/// <see cref="StateQueries"/>: SQL on Sqlite and Postgres; on memory storage the silo's default (finds nothing) stays.
/// </summary>
internal static class ExpiredRecords
{
    /// <summary>Needs the <see cref="StateDatabase"/> registered by <see cref="StateQueries.AddStateQueries"/>.</summary>
    public static IServiceCollection AddExpiredRecords(this IServiceCollection services) =>
        services.AddSingleton(sp => Create(sp.GetRequiredService<StateDatabase>()));

    /// <summary>The implementation for the configured storage.</summary>
    public static IExpiredRecords Create(IConfiguration configuration) => Create(StateDatabase.From(configuration));

    private static IExpiredRecords Create(StateDatabase database) =>
        database.Postgres is { } postgres ? new PostgresExpiredRecords(postgres)
        : database.SqliteConnectionString is { } sqlite ? new SqliteExpiredRecords(sqlite)
        : new NothingExpired();

    private sealed class NothingExpired : IExpiredRecords
    {
        public Task<IReadOnlyList<string>> IdempotencyKeysAsync(DateTimeOffset createdBefore, string? afterKey, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }
}
