using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Granary.Persistence.Tests.Reminders;

/// <summary>
/// What every IReminderTable Granary runs on must do. Each test gets a table of its own ServiceId, built
/// from the same service registration a silo uses (ClusterOptions + the provider's Use…ReminderService),
/// so ring-range reads see only the test's rows.
/// </summary>
public abstract class ReminderTableContractTests : IAsyncLifetime
{
    private static readonly DateTime StartAt = new(2026, 12, 6, 10, 30, 15, 123, DateTimeKind.Utc);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    private ServiceProvider? _services;
    private IReminderTable? _table;

    private IReminderTable Table => _table ?? throw new InvalidOperationException("The table is not started.");

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = "reminder-contract";
            o.ServiceId = $"reminder-contract-{Guid.NewGuid():N}";
        });
        AddReminderTable(services);
        _services = services.BuildServiceProvider();
        _table = _services.GetRequiredService<IReminderTable>();
        await _table.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_table is not null)
        {
            await _table.TestOnlyClearTable();
            await _table.StopAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>Registers the table under test the way the silo's hosting extension does.</summary>
    protected abstract void AddReminderTable(IServiceCollection services);

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        Assert.Null(await Table.ReadRow(Grain("nobody"), "none"));
    }

    [Fact]
    public async Task Upsert_ThenReadRow_ReturnsEntryWithEtag()
    {
        var grainId = Grain("upsert");

        var etag = await Table.UpsertRow(Entry(grainId, "tick"));
        var read = await Table.ReadRow(grainId, "tick");

        Assert.NotNull(etag);
        Assert.NotNull(read);
        Assert.Equal(grainId, read.GrainId);
        Assert.Equal("tick", read.ReminderName);
        Assert.Equal(StartAt, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(Period, read.Period);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task Upsert_Again_ReplacesEntryAndChangesEtag()
    {
        var grainId = Grain("replace");
        var first = await Table.UpsertRow(Entry(grainId, "tick"));
        var laterStart = StartAt.AddHours(1);

        var second = await Table.UpsertRow(Entry(grainId, "tick", laterStart, TimeSpan.FromHours(2)));
        var rows = await Table.ReadRows(grainId);

        Assert.NotEqual(first, second);
        var read = Assert.Single(rows.Reminders);
        Assert.Equal(laterStart, read.StartAt);
        Assert.Equal(TimeSpan.FromHours(2), read.Period);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task ReadRows_ByGrain_ReturnsOnlyThatGrainsReminders()
    {
        var grainId = Grain("mine");
        var other = Grain("other");
        await Table.UpsertRow(Entry(grainId, "a"));
        await Table.UpsertRow(Entry(grainId, "b"));
        await Table.UpsertRow(Entry(other, "a"));

        var rows = await Table.ReadRows(grainId);

        Assert.Equal(["a", "b"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(grainId, r.GrainId));
    }

    [Fact]
    public async Task ReadRows_PlainRange_ReturnsHashesAboveBeginUpToEnd()
    {
        var grains = await UpsertRangeGrainsAsync();
        var begin = Hash(grains[5]);
        var end = Hash(grains[18]);
        // The range must cross 0x80000000: ADO.NET providers compare hashes as signed ints.
        Assert.True(begin < 0x8000_0000u && end >= 0x8000_0000u, $"range ({begin:X8}, {end:X8}] does not cross 0x80000000");

        var rows = await Table.ReadRows(begin, end);

        Assert.Equal(Names(grains[6..19]), Names(rows));
    }

    [Fact]
    public async Task ReadRows_WrappingRange_ReturnsHashesAboveBeginOrUpToEnd()
    {
        var grains = await UpsertRangeGrainsAsync();
        var begin = Hash(grains[18]);
        var end = Hash(grains[5]);
        Assert.True(begin > end, $"range ({begin:X8}, {end:X8}] does not wrap");

        var rows = await Table.ReadRows(begin, end);

        Assert.Equal(Names([.. grains[19..], .. grains[..6]]), Names(rows));
    }

    [Fact]
    public async Task RemoveRow_WithCurrentEtag_RemovesAndReturnsTrue()
    {
        var grainId = Grain("remove");
        var etag = await Table.UpsertRow(Entry(grainId, "tick"));

        var removed = await Table.RemoveRow(grainId, "tick", etag!);

        Assert.True(removed);
        Assert.Null(await Table.ReadRow(grainId, "tick"));
        Assert.Empty((await Table.ReadRows(grainId)).Reminders);
    }

    [Fact]
    public async Task RemoveRow_WithStaleEtag_KeepsRowAndReturnsFalse()
    {
        var grainId = Grain("keep");
        var stale = await Table.UpsertRow(Entry(grainId, "tick"));
        var current = await Table.UpsertRow(Entry(grainId, "tick"));

        var removed = await Table.RemoveRow(grainId, "tick", stale!);

        Assert.False(removed);
        var read = await Table.ReadRow(grainId, "tick");
        Assert.NotNull(read);
        Assert.Equal(current, read.ETag);
    }

    /// <summary>24 grains with one reminder each, sorted by their ring hash (deterministic: the keys are fixed).</summary>
    private async Task<GrainId[]> UpsertRangeGrainsAsync()
    {
        var grains = Enumerable.Range(0, 24).Select(i => Grain($"range-{i}")).OrderBy(Hash).ToArray();
        Assert.Equal(grains.Length, grains.Select(Hash).Distinct().Count());
        foreach (var grainId in grains)
        {
            await Table.UpsertRow(Entry(grainId, "ring"));
        }

        return grains;
    }

    private static string[] Names(IEnumerable<GrainId> grains) => [.. grains.Select(g => g.ToString()).Order(StringComparer.Ordinal)];

    private static string[] Names(ReminderTableData rows) => [.. rows.Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal)];

    private static uint Hash(GrainId grainId) => grainId.GetUniformHashCode();

    private static GrainId Grain(string key) => GrainId.Create("reminder-probe", key);

    private static ReminderEntry Entry(GrainId grainId, string name, DateTime? startAt = null, TimeSpan? period = null) => new()
    {
        GrainId = grainId,
        ReminderName = name,
        StartAt = startAt ?? StartAt,
        Period = period ?? Period,
    };
}
