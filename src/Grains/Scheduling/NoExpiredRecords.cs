namespace Granary.Grains.Scheduling;

/// <summary>The default <see cref="IExpiredRecords"/>: finds nothing (memory storage has no table to query, and its records go with the process).</summary>
internal sealed class NoExpiredRecords : IExpiredRecords
{
    public Task<IReadOnlyList<string>> IdempotencyKeysAsync(DateTimeOffset createdBefore, string? afterKey, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyList<string>> RefreshTokenFamilyKeysAsync(DateTimeOffset now, string? afterKey, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
