using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.Configuration;

namespace Granary.WebApi.Queries;

/// <summary>
/// Picks the list implementation from <c>Granary:Storage:Provider</c>: Sqlite, Postgres, or Memory — memory storage
/// has no table to query, so lists answer 501 there instead of scanning grains.
/// </summary>
internal static class StateQueries
{
    /// <summary>Registers the implementation the configuration names, built on first use.</summary>
    public static IServiceCollection AddStateQueries(this IServiceCollection services) =>
        services.AddSingleton(sp => StateDatabase.From(sp.GetRequiredService<IConfiguration>()))
            .AddExpiredRecords()
            .AddSingleton(sp => Create(sp.GetRequiredService<StateDatabase>()));

    private static IStateQueries Create(StateDatabase database) =>
        database.Postgres is { } postgres ? new PostgresStateQueries(postgres)
        : database.SqliteConnectionString is { } sqlite ? new SqliteStateQueries(sqlite)
        : new UnsupportedStateQueries();

    private sealed class UnsupportedStateQueries : IStateQueries
    {
        public bool Supported => false;

        public Task<Page<OrderSnapshot>> ListOrdersAsync(OrderListQuery query, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Lists need SQL storage.");

        public Task<Page<StockLevel>> ListInventoryAsync(string organizationId, string? afterSku, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Lists need SQL storage.");

        public Task<CursorPage<WebhookDeliveryInfo>> ListDeliveriesAsync(DeliveryListQuery query, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Lists need SQL storage.");

        public Task<CursorPage<EmailJobInfo>> ListEmailJobsAsync(string organizationId, JobStatus status, OrderCursor? after, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Lists need SQL storage.");

        public Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountJobsAsync(string organizationId, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Lists need SQL storage.");
    }
}

/// <summary>The 501 lists answer on memory storage.</summary>
internal static class ListProblems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NeedsSql() => TypedResults.Problem(
        statusCode: StatusCodes.Status501NotImplemented,
        title: "Lists need SQL storage.",
        detail: "This silo keeps grain state in memory (Granary:Storage:Provider = Memory); lists are read from SQL, so they work on Sqlite or Postgres storage only.");
}
