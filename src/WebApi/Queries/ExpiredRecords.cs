using Granary.Grains.Scheduling;
using Microsoft.Extensions.Configuration;

namespace Granary.WebApi.Queries;

/// <summary>
/// Picks the <see cref="IExpiredRecords"/> implementation from <c>Granary:Storage:Provider</c>, like
/// <see cref="StateQueries"/>: SQL on Sqlite and Postgres; on memory storage the silo's default (finds nothing) stays.
/// </summary>
internal static class ExpiredRecords
{
    public static IServiceCollection AddExpiredRecords(this IServiceCollection services) =>
        services.AddSingleton(sp => Create(sp.GetRequiredService<IConfiguration>()));

    /// <summary>The implementation for the configured storage.</summary>
    public static IExpiredRecords Create(IConfiguration configuration)
    {
        var storage = configuration.GetSection("Granary:Storage");
        return storage["Provider"]?.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" => new PostgresExpiredRecords(storage["Postgres:ConnectionString"]
                ?? throw new InvalidOperationException("Granary:Storage:Postgres:ConnectionString is required on PostgreSQL.")),
            "memory" => new NothingExpired(),
            _ => new SqliteExpiredRecords(storage["Sqlite:Path"] is { Length: > 0 } path ? path : "data/granary.db"),
        };
    }

    private sealed class NothingExpired : IExpiredRecords
    {
        public Task<IReadOnlyList<string>> IdempotencyKeysAsync(DateTimeOffset createdBefore, string? afterKey, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }
}
