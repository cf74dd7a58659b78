using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Scheduling;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Granary.ReadModel.Tests;

/// <summary>
/// What the read model promises, on every database it runs on: rows only move to a higher revision, lists come in
/// their documented order with cursors that neither skip nor repeat, filters select exactly, and the clean-up sweep
/// finds exactly the expired records, and the reminder restore exactly the unfinished work.
/// </summary>
public abstract class ReadModelContractTests(DatabaseFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A stock-list row that only moves to a higher revision: what the group tests write.</summary>
    private const string StockListUpsert = """
        INSERT INTO granary_stock_list (organization_id, sku, on_hand, reserved, revision)
        VALUES (@org, @sku, @onHand, @reserved, @revision)
        ON CONFLICT (organization_id, sku) DO UPDATE SET on_hand = excluded.on_hand, revision = excluded.revision
        WHERE granary_stock_list.revision < excluded.revision
        """;

    private readonly IReadModelWriter _writer = new ReadModelWriter(fixture.Database);
    private readonly IStockRows _stock = new StockRows(fixture.Database);
    private readonly IListQueries _lists = new ListQueries(fixture.Database);
    private readonly string _org = "org" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task OrderRow_AnOlderRevision_NeverReplacesANewerOne()
    {
        var order = Order("o1", T0);
        await _writer.WriteOrderAsync(order with { Status = OrderStatus.Confirmed }, revision: 2);
        await _writer.WriteOrderAsync(order with { Status = OrderStatus.Pending }, revision: 1);

        var page = await ListOrders();
        Assert.Equal(OrderStatus.Confirmed, Assert.Single(page.Items).Status);
    }

    [Fact]
    public async Task OrderRow_ANewerRevision_ReplacesTheRow_AndTheSameRevisionAgainChangesNothing()
    {
        var order = Order("o1", T0);
        await _writer.WriteOrderAsync(order, revision: 1);
        await _writer.WriteOrderAsync(order with { Status = OrderStatus.Shipped, TrackingNumber = "TRK-1" }, revision: 2);
        await _writer.WriteOrderAsync(order with { Status = OrderStatus.Cancelled }, revision: 2);

        var row = Assert.Single((await ListOrders()).Items);
        Assert.Equal(OrderStatus.Shipped, row.Status);
        Assert.Equal("TRK-1", row.TrackingNumber);
    }

    [Fact]
    public async Task Orders_ComeNewestFirst_TiesByKeyDescending_AndCursorsNeitherSkipNorRepeat()
    {
        // Five orders, three of them created in the same microsecond: the key breaks the tie.
        string[] ids = ["a", "b", "c", "d", "e"];
        DateTimeOffset[] created = [T0, T0.AddMinutes(1), T0.AddMinutes(1), T0.AddMinutes(1), T0.AddMinutes(2)];
        for (var i = 0; i < ids.Length; i++)
        {
            await _writer.WriteOrderAsync(Order(ids[i], created[i]), revision: 1);
        }

        var seen = new List<string>();
        ListCursor? after = null;
        var pages = 0;
        do
        {
            var page = await _lists.ListOrdersAsync(Query() with { After = after, Limit = 2 }, CancellationToken.None);
            seen.AddRange(page.Items.Select(o => o.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(["e", "d", "c", "b", "a"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Orders_FilterByStatusChannelEmailAndCreatedRange()
    {
        await _writer.WriteOrderAsync(Order("p1", T0) with { Channel = "shop" }, 1);
        await _writer.WriteOrderAsync(Order("c1", T0.AddMinutes(1)) with { Status = OrderStatus.Confirmed, Customer = new Customer("Zoe@Example.com", null) }, 1);
        await _writer.WriteOrderAsync(Order("p2", T0.AddMinutes(2)), 1);

        Assert.Equal(["c1"], Ids(await _lists.ListOrdersAsync(Query() with { Status = OrderStatus.Confirmed }, default)));
        Assert.Equal(["p1"], Ids(await _lists.ListOrdersAsync(Query() with { Channel = "shop" }, default)));
        Assert.Equal(["c1"], Ids(await _lists.ListOrdersAsync(Query() with { CustomerEmail = "zoe@example.com" }, default)));
        Assert.Equal(["c1"], Ids(await _lists.ListOrdersAsync(Query() with { CreatedFrom = T0.AddMinutes(1), CreatedTo = T0.AddMinutes(2) }, default)));
        Assert.Empty((await _lists.ListOrdersAsync(Query() with { OrganizationId = _org + "-other" }, default)).Items);
    }

    [Fact]
    public async Task Stock_ListsBySkuAscending_InPages_AndKeepsTheNewestRevision()
    {
        foreach (var sku in new[] { "SKU-3", "SKU-1", "SKU-2" })
        {
            await _stock.WriteAsync(_org, new StockLevel(sku, 10, 0, 10), revision: 1, NoChanges);
        }
        await _stock.WriteAsync(_org, new StockLevel("SKU-1", 10, 4, 6), revision: 3, NoChanges);
        await _stock.WriteAsync(_org, new StockLevel("SKU-1", 10, 2, 8), revision: 2, NoChanges);

        var first = await _lists.ListInventoryAsync(_org, null, 2, default);
        var second = await _lists.ListInventoryAsync(_org, first.Items[^1].Sku, 2, default);

        Assert.Equal([new StockLevel("SKU-1", 10, 4, 6), new StockLevel("SKU-2", 10, 0, 10)], first.Items);
        Assert.True(first.More);
        Assert.Equal([new StockLevel("SKU-3", 10, 0, 10)], second.Items);
        Assert.False(second.More);
    }

    [Fact]
    public async Task StockReservations_MoveWithTheirRevision_AddChangeAndRemove_AndAnOlderOrRepeatedWriteChangesNothing()
    {
        var none = await _stock.ReadAsync(_org, "SKU-1");
        Assert.Equal((0L, 0), (none.Revision, none.Reservations.Count));

        await _stock.WriteAsync(_org, new StockLevel("SKU-1", 10, 5, 5), 1, Changes(("o1", 2), ("o2", 3)));
        await _stock.WriteAsync(_org, new StockLevel("SKU-1", 10, 4, 6), 2, Changes(("o1", 0), ("o3", 1), ("o2", 3)));
        // Older, then repeated: neither the level nor the reservations move.
        await _stock.WriteAsync(_org, new StockLevel("SKU-1", 99, 0, 99), 1, Changes(("o1", 2), ("o3", 0), ("o9", 9)));
        await _stock.WriteAsync(_org, new StockLevel("SKU-1", 99, 0, 99), 2, Changes(("o2", 0), ("o9", 9)));

        var read = await _stock.ReadAsync(_org, "SKU-1");
        Assert.Equal(2, read.Revision);
        Assert.Equal(new Dictionary<string, int> { ["o2"] = 3, ["o3"] = 1 }, read.Reservations);
        Assert.Equal([new StockLevel("SKU-1", 10, 4, 6)], (await _lists.ListInventoryAsync(_org, null, 10, default)).Items);

        // Another SKU of the same organization keeps its own reservations.
        await _stock.WriteAsync(_org, new StockLevel("SKU-2", 5, 1, 4), 1, Changes(("o2", 1)));
        Assert.Equal(new Dictionary<string, int> { ["o2"] = 1 }, (await _stock.ReadAsync(_org, "SKU-2")).Reservations);
        Assert.Equal(2, (await _stock.ReadAsync(_org, "SKU-1")).Reservations.Count);
    }

    [Fact]
    public async Task StockReservations_ThousandsInOneWrite_AreReadBackWhole()
    {
        var many = Enumerable.Range(0, 5_000).ToDictionary(i => $"order-{i}", i => 1 + (i % 3));
        await _stock.WriteAsync(_org, new StockLevel("BUSY", 20_000, many.Values.Sum(), 20_000 - many.Values.Sum()), 1, many);
        await _stock.WriteAsync(_org, new StockLevel("BUSY", 20_000, many.Values.Sum() - 1, 20_001 - many.Values.Sum()), 2, Changes(("order-0", 0)));

        var read = await _stock.ReadAsync(_org, "BUSY");
        Assert.Equal(4_999, read.Reservations.Count);
        Assert.Equal(many.Values.Sum() - 1, read.Reservations.Values.Sum());
        Assert.False(read.Reservations.ContainsKey("order-0"));
    }

    [Fact]
    public async Task OpenJobCounts_AcrossOrganizations_CountPendingRetryingAndDead_NeverSucceeded()
    {
        var before = await _lists.CountOpenJobsAsync(default);
        await _writer.WriteDeliveryAsync(Delivery("o1", "ep1", JobStatus.Pending, T0), 1);
        await _writer.WriteDeliveryAsync(Delivery("o2", "ep1", JobStatus.Retrying, T0), 1);
        await _writer.WriteDeliveryAsync(Delivery("o3", "ep1", JobStatus.Succeeded, T0), 1);
        await _writer.WriteEmailJobAsync(Email("o4", JobStatus.Dead, T0), 1);
        await _writer.WriteEmailJobAsync(Email("o5", JobStatus.Pending, T0), 1);
        await _writer.WriteEmailJobAsync(Email("o5", JobStatus.Succeeded, T0), 2);

        var after = await _lists.CountOpenJobsAsync(default);

        long Added(JobKind kind, JobStatus status) => after.GetValueOrDefault((kind, status)) - before.GetValueOrDefault((kind, status));
        Assert.Equal(1, Added(JobKind.Webhook, JobStatus.Pending));
        Assert.Equal(1, Added(JobKind.Webhook, JobStatus.Retrying));
        Assert.Equal(1, Added(JobKind.Email, JobStatus.Dead));
        Assert.Equal(0, Added(JobKind.Email, JobStatus.Pending));
        Assert.DoesNotContain(after.Keys, key => key.Status == JobStatus.Succeeded);
    }

    [Fact]
    public async Task Deliveries_FilterByEndpointAndStatus_AndJobCountsPerStatus()
    {
        await _writer.WriteDeliveryAsync(Delivery("d1", "ep1", JobStatus.Succeeded, T0), 1);
        await _writer.WriteDeliveryAsync(Delivery("d2", "ep1", JobStatus.Dead, T0.AddSeconds(1)), 1);
        await _writer.WriteDeliveryAsync(Delivery("d3", "ep2", JobStatus.Dead, T0.AddSeconds(2)), 1);
        await _writer.WriteEmailJobAsync(Email("m1", JobStatus.Retrying, T0), 1);
        await _writer.WriteEmailJobAsync(Email("m1", JobStatus.Succeeded, T0), 2);
        await _writer.WriteEmailJobAsync(Email("m2", JobStatus.Dead, T0.AddSeconds(1)), 1);

        var ep1 = await _lists.ListDeliveriesAsync(new DeliveryListQuery(_org, "ep1", null, null, 10), default);
        var dead = await _lists.ListDeliveriesAsync(new DeliveryListQuery(_org, null, JobStatus.Dead, null, 10), default);
        var deadEmails = await _lists.ListEmailJobsAsync(_org, JobStatus.Dead, null, 10, default);
        var counts = await _lists.CountJobsAsync(_org, default);

        Assert.Equal(["d2", "d1"], ep1.Items.Select(d => d.Id));
        Assert.Equal(["d3", "d2"], dead.Items.Select(d => d.Id));
        Assert.Equal("m2", Assert.Single(deadEmails.Items).Id);
        Assert.Equal(
            new Dictionary<(JobKind, JobStatus), long>
            {
                [(JobKind.Webhook, JobStatus.Succeeded)] = 1,
                [(JobKind.Webhook, JobStatus.Dead)] = 2,
                [(JobKind.Email, JobStatus.Succeeded)] = 1,
                [(JobKind.Email, JobStatus.Dead)] = 1,
            },
            counts);
    }

    [Fact]
    public async Task ExpiredRecords_FindsDeadFamilies_InKeyOrder_AndADeleteHonoursTheRevision()
    {
        var expired = new ExpiredRecordQueries(fixture.Database);
        await _writer.WriteRefreshFamilyAsync($"{_org}-f2", revoked: false, T0, 1);
        await _writer.WriteRefreshFamilyAsync($"{_org}-f1", revoked: true, T0.AddDays(30), 1);
        await _writer.WriteRefreshFamilyAsync($"{_org}-f3", revoked: false, T0.AddDays(30), 1);

        var families = (await expired.RefreshTokenFamilyKeysAsync(T0.AddDays(1), afterKey: _org, limit: 10, default)).Where(k => k.StartsWith(_org, StringComparison.Ordinal));
        Assert.Equal([$"{_org}-f1", $"{_org}-f2"], families);

        // A delete by an older revision leaves a row a newer write made; the current revision removes it.
        await _writer.WriteRefreshFamilyAsync($"{_org}-f1", revoked: true, T0.AddDays(30), 2);
        await _writer.DeleteRefreshFamilyAsync($"{_org}-f1", revision: 1);
        await _writer.DeleteRefreshFamilyAsync($"{_org}-f2", revision: 1);
        var left = (await expired.RefreshTokenFamilyKeysAsync(T0.AddDays(1), afterKey: _org, limit: 10, default)).Where(k => k.StartsWith(_org, StringComparison.Ordinal));
        Assert.Equal([$"{_org}-f1"], left);
    }

    [Fact]
    public async Task DueWork_ListsUnfinishedWorkOnly_InKeyOrder_PageByPage()
    {
        var due = new DueWorkQueries(fixture.Database, Options.Create(new ClusterOptions { ServiceId = "service-a" }));
        await _writer.WriteOrderAsync(Order("o3", T0), 1);
        await _writer.WriteOrderAsync(Order("o1", T0) with { Status = OrderStatus.Confirmed }, 1);
        await _writer.WriteOrderAsync(Order("o2", T0), 1);
        await _writer.WriteDeliveryAsync(Delivery("d1", "ep1", JobStatus.Retrying, T0), 1);
        await _writer.WriteDeliveryAsync(Delivery("d2", "ep1", JobStatus.Dead, T0), 1);
        await _writer.WriteDeliveryAsync(Delivery("d3", "ep1", JobStatus.Pending, T0), 1);
        await _writer.WriteEmailJobAsync(Email("e1", JobStatus.Succeeded, T0), 1);
        await _writer.WriteEmailJobAsync(Email("e2", JobStatus.Retrying, T0), 1);
        // Grain storage rows: users of this service and of another one sharing the database, and another state.
        await StoredStateAsync("service-a", "user", $"{_org}-u2");
        await StoredStateAsync("service-a", "user", $"{_org}-u1");
        await StoredStateAsync("service-b", "user", $"{_org}-u3");
        await StoredStateAsync("service-a", "webhooks", $"{_org}-w");

        Assert.Equal([$"{_org}/o2", $"{_org}/o3"], await AllKeysAsync(due, DueWorkKind.PendingOrders));
        Assert.Equal([$"{_org}/d1", $"{_org}/d3"], await AllKeysAsync(due, DueWorkKind.UnfinishedWebhookDeliveries));
        Assert.Equal([$"{_org}/e2"], await AllKeysAsync(due, DueWorkKind.UnfinishedEmailJobs));
        Assert.Equal([$"{_org}-u1", $"{_org}-u2"], await AllKeysAsync(due, DueWorkKind.Users));
        Assert.Equal([$"{_org}-w"], await AllKeysAsync(due, DueWorkKind.WebhookEndpoints));
        Assert.Empty(await AllKeysAsync(due, DueWorkKind.DailySummaries));
    }

    /// <summary>Every key of <paramref name="kind"/> in this test's organization, one per page, so the cursor is exercised.</summary>
    private async Task<List<string>> AllKeysAsync(DueWorkQueries due, DueWorkKind kind)
    {
        var keys = new List<string>();
        string? after = _org;
        while ((await due.KeysAsync(kind, after, limit: 1, default)) is [var key] && key.StartsWith(_org, StringComparison.Ordinal))
        {
            keys.Add(key);
            after = key;
        }
        return keys;
    }

    private async Task StoredStateAsync(string serviceId, string stateName, string key)
    {
        await using var connection = await fixture.Database.OpenAsync(default);
        await using var insert = SqlCommands.Create(connection, """
            INSERT INTO granary_grain_storage
                (service_id, state_name_hash, state_name, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_string, payload, version, modified_at)
            VALUES (@service, 0, @state, 0, 0, 0, @key, NULL, 1, CURRENT_TIMESTAMP)
            """).Text("@service", serviceId).Text("@state", stateName).Text("@key", key);
        await insert.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task RowsWrittenAtOnce_GoInGroups_AndEachRowEndsAtItsNewestRevision()
    {
        var groups = new ReadModelStatementGroups(fixture.Database);
        // 100 SKUs, each written at revisions 1..3 in shuffled order, all at once.
        var writes = Enumerable.Range(0, 100).SelectMany(i => Enumerable.Range(1, 3).Select(revision => (Sku: $"S{i:D3}", Revision: revision)))
            .OrderBy(_ => Random.Shared.Next()).ToList();

        await Task.WhenAll(writes.Select(w => groups.RunAsync(StockListUpsert, command => command
            .Text("@org", _org).Text("@sku", w.Sku).Int("@onHand", w.Revision * 10).Int("@reserved", 0).Long("@revision", w.Revision), default)));

        Assert.InRange(groups.GroupsWritten, 1, writes.Count - 1);
        var stock = await StockRowsAsync();
        Assert.Equal(100, stock.Count);
        Assert.All(stock, row => Assert.Equal((30, 3L), (row.OnHand, row.Revision)));
    }

    [Fact]
    public async Task AStatementThatFails_FailsAlone_AndTheRestOfItsGroupIsWritten()
    {
        var groups = new ReadModelStatementGroups(fixture.Database);
        var good = Enumerable.Range(0, 40).Select(i => groups.RunAsync(StockListUpsert, command => command
            .Text("@org", _org).Text("@sku", $"S{i:D3}").Int("@onHand", 1).Int("@reserved", 0).Long("@revision", 1), default)).ToList();
        var bad = groups.RunAsync("INSERT INTO granary_no_such_table (x) VALUES (@x)", command => command.Int("@x", 1), default);
        good.AddRange(Enumerable.Range(40, 40).Select(i => groups.RunAsync(StockListUpsert, command => command
            .Text("@org", _org).Text("@sku", $"S{i:D3}").Int("@onHand", 1).Int("@reserved", 0).Long("@revision", 1), default)));

        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        await Task.WhenAll(good);
        Assert.Equal(80, (await StockRowsAsync()).Count);
    }

    private async Task<List<(string Sku, int OnHand, long Revision)>> StockRowsAsync()
    {
        await using var connection = await fixture.Database.OpenAsync(default);
        await using var command = SqlCommands.Create(connection, "SELECT sku, on_hand, revision FROM granary_stock_list WHERE organization_id = @org ORDER BY sku")
            .Text("@org", _org);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        }
        return rows;
    }

    private static readonly IReadOnlyDictionary<string, int> NoChanges = new Dictionary<string, int>();

    private static Dictionary<string, int> Changes(params (string OrderId, int Quantity)[] changes) =>
        changes.ToDictionary(c => c.OrderId, c => c.Quantity, StringComparer.Ordinal);

    private Task<CursorPage<OrderSnapshot>> ListOrders() => _lists.ListOrdersAsync(Query(), CancellationToken.None);

    private OrderListQuery Query() => new(_org, null, null, null, null, null, null, 50);

    private static IEnumerable<string> Ids(CursorPage<OrderSnapshot> page) => page.Items.Select(o => o.Id);

    private OrderSnapshot Order(string id, DateTimeOffset createdAt) => new(
        id, _org, OrderStatus.Pending, [new OrderLine("SKU-1", 1, 9.5m)], "EUR", 9.5m, new Customer("bob@example.com", "Bob"),
        new Address("1 Main St", null, "Lyon", null, "69001", "FR"), null, null, null, null, createdAt, createdAt);

    private WebhookDeliveryInfo Delivery(string id, string endpointId, JobStatus status, DateTimeOffset createdAt) => new(
        id, _org, endpointId, "evt-" + id, "order.created", status, 1, null, createdAt, createdAt, []);

    private EmailJobInfo Email(string id, JobStatus status, DateTimeOffset createdAt) => new(
        id, _org, EmailTemplate.Welcome, "ada@example.com", "Welcome", status, 1, null, null, createdAt, createdAt);
}

public sealed class PostgresReadModelTests(PostgresDatabaseFixture fixture) : ReadModelContractTests(fixture), IClassFixture<PostgresDatabaseFixture>;

public sealed class SqliteReadModelTests(SqliteDatabaseFixture fixture) : ReadModelContractTests(fixture), IClassFixture<SqliteDatabaseFixture>;
