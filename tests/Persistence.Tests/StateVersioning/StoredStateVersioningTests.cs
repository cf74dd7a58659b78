using Granary.Persistence.Storage;
using Granary.Persistence.Tests.Infrastructure;
using Orleans.Runtime;

namespace Granary.Persistence.Tests.StateVersioning;

/// <summary>
/// Stored state survives type evolution: rows written by an earlier build (YesterdaysRows) load into today's
/// types after a field was added or removed and after types were renamed behind the same [Alias].
/// </summary>
public abstract class StoredStateVersioningTests(StorageSiloFixture fixture)
{
    [Fact]
    public async Task Read_RowWrittenBeforeFieldsChanged_KeepsKnownFieldsSkipsRemovedAndDefaultsNew()
    {
        var grainId = GrainId.Create("customer", Guid.NewGuid().ToString("N"));
        await PlantYesterdaysRowAsync("profile", grainId, YesterdaysRows.CustomerProfile, new CustomerProfile());

        var state = await ReadAsync<CustomerProfile>("profile", grainId);

        Assert.True(state.RecordExists);
        Assert.NotNull(state.State);
        Assert.Equal("Zofia Nowak", state.State.Name);
        Assert.Equal(42, state.State.Visits);
        Assert.Null(state.State.Email);
    }

    [Fact]
    public async Task Read_RowOfRenamedTypesWithSameAliases_LoadsIncludingPolymorphicMembers()
    {
        var grainId = GrainId.Create("order", Guid.NewGuid().ToString("N"));
        await PlantYesterdaysRowAsync("order", grainId, YesterdaysRows.OrderSnapshot, new OrderRecord());

        var state = await ReadAsync<OrderRecord>("order", grainId);

        Assert.NotNull(state.State);
        Assert.Equal("ORD-1001", state.State.Number);
        Assert.Equal(0m, state.State.Total);
        var shipment = Assert.IsType<ParcelDelivery>(state.State.Shipment);
        Assert.Equal(("S-1", "DHL", "JD0001"), (shipment.Reference, shipment.Carrier, shipment.Tracking));
        Assert.Null(shipment.DeliveredAt);
        var earlier = Assert.IsType<ParcelDelivery>(Assert.Single(state.State.History));
        Assert.Equal(("S-0", "UPS", "1Z999"), (earlier.Reference, earlier.Carrier, earlier.Tracking));
    }

    [Fact]
    public async Task Write_AfterLoadingYesterdaysRow_StoresTodaysShape()
    {
        var grainId = GrainId.Create("customer", Guid.NewGuid().ToString("N"));
        await PlantYesterdaysRowAsync("profile", grainId, YesterdaysRows.CustomerProfile, new CustomerProfile());
        var state = await ReadAsync<CustomerProfile>("profile", grainId);
        Assert.NotNull(state.State);
        state.State.Email = "zofia@example.com";

        await fixture.Storage.WriteStateAsync("profile", grainId, state);
        var reread = await ReadAsync<CustomerProfile>("profile", grainId);

        Assert.NotNull(reread.State);
        Assert.Equal(("Zofia Nowak", 42, "zofia@example.com"), (reread.State.Name, reread.State.Visits, reread.State.Email));
        Assert.Equal(state.ETag, reread.ETag);
    }

    /// <summary>Creates the row through the provider (its identity columns), then puts yesterday's bytes in it.</summary>
    private async Task PlantYesterdaysRowAsync<T>(string stateName, GrainId grainId, byte[] payload, T placeholder)
    {
        await fixture.Storage.WriteStateAsync(stateName, grainId, new GrainState<T>(placeholder));
        var changed = await fixture.ExecuteSqlAsync(
            "UPDATE granary_grain_storage SET payload = @payload WHERE service_id = @service AND state_name = @state AND grain_id_string = @grain",
            ("payload", payload), ("service", fixture.ServiceId), ("state", stateName), ("grain", FullGrainIdStorage.StorageKey(grainId)));
        Assert.Equal(1, changed);
    }

    private async Task<GrainState<T>> ReadAsync<T>(string stateName, GrainId grainId)
    {
        var state = new GrainState<T>();
        await fixture.Storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }
}

/// <summary>Yesterday's rows on PostgreSQL.</summary>
[Collection(PostgresStorageCollection.Name)]
public sealed class PostgresStoredStateVersioningTests(PostgresStorageSiloFixture fixture) : StoredStateVersioningTests(fixture);

/// <summary>Yesterday's rows on SQLite.</summary>
[Collection(SqliteStorageCollection.Name)]
public sealed class SqliteStoredStateVersioningTests(SqliteStorageSiloFixture fixture) : StoredStateVersioningTests(fixture);
