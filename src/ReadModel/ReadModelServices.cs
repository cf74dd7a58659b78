using Granary.Grains.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Granary.ReadModel;

/// <summary>
/// Registers the read model: its writers (for grains: rows, and a SKU's stock rows), the lists, the clean-up sweep's queries and the reminder restore's. The first
/// registration wins, so a host registers its database before the domain's fallback (none) applies.
/// </summary>
public static class ReadModelServices
{
    /// <summary>The read model in the grain storage's database, from the <c>Granary</c> section (<c>Storage:Provider</c> and its settings).</summary>
    public static IServiceCollection AddReadModel(this IServiceCollection services, IConfiguration granary) =>
        services.AddReadModel(_ => ReadModelDatabase.From(granary));

    /// <summary>The read model in the given database (<see cref="ReadModelDatabase.None"/>: no lists, nothing written).</summary>
    public static IServiceCollection AddReadModel(this IServiceCollection services, Func<IServiceProvider, ReadModelDatabase> database)
    {
        services.TryAddSingleton(database);
        services.TryAddSingleton<IReadModelWriter, ReadModelWriter>();
        services.TryAddSingleton<IStockRows, StockRows>();
        services.TryAddSingleton<IListQueries, ListQueries>();
        services.TryAddSingleton<IExpiredRecords, ExpiredRecordQueries>();
        services.TryAddSingleton<IDueWorkRecords, DueWorkQueries>();
        return services;
    }
}
