using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>
/// The behaviour every <see cref="IMembershipTable"/> must have; one subclass per provider runs it. Row times are
/// taken from the table's own clock and carry milliseconds, which every provider must keep.
/// </summary>
public abstract class MembershipTableContractTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly IReadOnlyList<Suspicion> NoSuspicions = [];
    private readonly List<IMembershipTable> _tables = [];
    private IMembershipTable? _table;

    /// <summary>The first silo's table.</summary>
    protected IMembershipTable Table => _table ?? throw new InvalidOperationException("The table is not created yet.");

    /// <summary>A table over fresh, isolated storage; the base class initializes and disposes it.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync();

    /// <summary>Another silo's table of the same cluster (same storage; may be the same instance when the provider is shared).</summary>
    protected abstract Task<IMembershipTable> CreateTableOfAnotherSiloAsync();

    /// <summary>A table of another cluster on the same backing service.</summary>
    protected abstract Task<IMembershipTable> CreateTableOfAnotherClusterAsync();

    /// <summary>Makes the storage of <see cref="Table"/>'s cluster lose all its data, as a Redis FLUSHALL or restart would.</summary>
    protected abstract Task SimulateDataLossAsync();

    /// <summary>Deletes the storage the test used.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _table = await StartAsync(CreateTableAsync());

    public async Task DisposeAsync()
    {
        foreach (var table in _tables.Distinct())
        {
            await table.DisposeAsync();
        }
        await CleanUpAsync();
    }

    [Fact]
    public async Task ReadAll_OfANewTableIsVersionZeroWithNoRows()
    {
        var snapshot = await Table.ReadAllAsync(None);

        Assert.Equal(0, snapshot.Version);
        Assert.Empty(snapshot.Entries);
    }

    [Fact]
    public async Task Insert_AddsRowsThatReadAllReturnsSortedByAddressWithTheNewVersion()
    {
        var now = await Table.GetServerTimeAsync(None);
        var b = Entry(Address(2), SiloStatus.Joining, now);
        var a = Entry(Address(1), SiloStatus.Active, now.AddSeconds(-5)) with { HttpPort = 8080 };

        Assert.True(await Table.InsertAsync(b, 0, None));
        Assert.True(await Table.InsertAsync(a, 1, None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal([a.Address, b.Address], snapshot.Entries.Select(e => e.Address));
        AssertRow(a with { IAmAliveTime = a.StartTime }, snapshot.Find(a.Address));
        AssertRow(b with { IAmAliveTime = b.StartTime }, snapshot.Find(b.Address));
    }

    [Fact]
    public async Task Insert_OfAnAddressAlreadyPresentFailsAndChangesNothing()
    {
        var now = await Table.GetServerTimeAsync(None);
        var original = Entry(Address(1), SiloStatus.Joining, now);
        Assert.True(await Table.InsertAsync(original, 0, None));

        Assert.False(await Table.InsertAsync(original with { SiloName = "impostor", Status = SiloStatus.Active }, 1, None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(1, snapshot.Version);
        AssertRow(original with { IAmAliveTime = original.StartTime }, Assert.Single(snapshot.Entries));
    }

    [Fact]
    public async Task InsertAndUpdate_WithAStaleVersionFailAndChangeNothing()
    {
        var now = await Table.GetServerTimeAsync(None);
        var first = Entry(Address(1), SiloStatus.Joining, now);
        Assert.True(await Table.InsertAsync(first, 0, None));
        Assert.True(await Table.UpdateAsync(first with { Status = SiloStatus.Active }, 1, None));

        Assert.False(await Table.InsertAsync(Entry(Address(2), SiloStatus.Joining, now), 1, None));
        Assert.False(await Table.InsertAsync(Entry(Address(2), SiloStatus.Joining, now), 3, None));
        Assert.False(await Table.UpdateAsync(first with { Status = SiloStatus.Dead }, 1, None));
        Assert.False(await Table.UpdateAsync(first with { Status = SiloStatus.Dead }, 0, None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(snapshot.Entries).Status);
    }

    [Fact]
    public async Task Update_ReplacesTheRowAndBumpsTheVersion()
    {
        var now = await Table.GetServerTimeAsync(None);
        var joining = Entry(Address(1), SiloStatus.Joining, now);
        Assert.True(await Table.InsertAsync(joining, 0, None));
        Assert.True(await Table.InsertAsync(Entry(Address(2), SiloStatus.Joining, now), 1, None));

        var active = joining with { Status = SiloStatus.Active, SiloName = "renamed", HttpPort = 5001 };
        Assert.True(await Table.UpdateAsync(active, 2, None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(3, snapshot.Version);
        AssertRow(active with { IAmAliveTime = active.StartTime }, snapshot.Find(active.Address));
        Assert.Equal(SiloStatus.Joining, snapshot.Find(Address(2))!.Status);
    }

    [Fact]
    public async Task Update_OfAMissingRowFails()
    {
        var now = await Table.GetServerTimeAsync(None);
        Assert.True(await Table.InsertAsync(Entry(Address(1), SiloStatus.Active, now), 0, None));

        Assert.False(await Table.UpdateAsync(Entry(Address(2), SiloStatus.Active, now), 1, None));
        // Same host and port but another generation is another silo.
        Assert.False(await Table.UpdateAsync(Entry(Address(1) with { Generation = 42 }, SiloStatus.Active, now), 1, None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(1, snapshot.Version);
        Assert.Single(snapshot.Entries);
    }

    [Fact]
    public async Task UpdateIAmAlive_SetsTheServerTimeWithoutBumpingTheVersion()
    {
        var now = await Table.GetServerTimeAsync(None);
        var entry = Entry(Address(1), SiloStatus.Active, now.AddHours(-1));
        Assert.True(await Table.InsertAsync(entry, 0, None));

        var before = await Table.GetServerTimeAsync(None);
        Assert.True(await Table.UpdateIAmAliveAsync(entry.Address, None));
        var after = await Table.GetServerTimeAsync(None);

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(1, snapshot.Version);
        var row = Assert.Single(snapshot.Entries);
        Assert.InRange(row.IAmAliveTime, before.AddSeconds(-1), after.AddSeconds(1));
        Assert.Equal(TimeSpan.Zero, row.IAmAliveTime.Offset);
        Assert.Equal(entry.StartTime, row.StartTime);
    }

    [Fact]
    public async Task UpdateIAmAlive_OfAMissingRowFailsAndAddsNothing()
    {
        Assert.False(await Table.UpdateIAmAliveAsync(Address(1), None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(0, snapshot.Version);
        Assert.Empty(snapshot.Entries);
    }

    [Fact]
    public async Task Update_KeepsTheIAmAliveTimeWhichOnlyUpdateIAmAliveSets()
    {
        var now = await Table.GetServerTimeAsync(None);
        var entry = Entry(Address(1), SiloStatus.Joining, now.AddHours(-1)) with { IAmAliveTime = now.AddYears(5) };
        Assert.True(await Table.InsertAsync(entry, 0, None));
        Assert.Equal(entry.StartTime, (await Table.ReadAllAsync(None)).Entries[0].IAmAliveTime);
        Assert.True(await Table.UpdateIAmAliveAsync(entry.Address, None));
        var alive = (await Table.ReadAllAsync(None)).Entries[0].IAmAliveTime;

        Assert.True(await Table.UpdateAsync(entry with { Status = SiloStatus.Active, IAmAliveTime = now.AddYears(-5) }, 1, None));

        var row = Assert.Single((await Table.ReadAllAsync(None)).Entries);
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(alive, row.IAmAliveTime);
    }

    [Fact]
    public async Task Suspicions_RoundTripWithTheirVotersAndMillisecondTimes()
    {
        var now = await Table.GetServerTimeAsync(None);
        var inAnotherZone = new DateTimeOffset(now.UtcDateTime.AddMilliseconds(-1234), TimeSpan.Zero).ToOffset(TimeSpan.FromHours(2));
        var entry = Entry(Address(1), SiloStatus.Active, inAnotherZone) with
        {
            Suspicions = [new Suspicion(Address(2), now.AddMilliseconds(-17)), new Suspicion(new SiloAddress("silo-3.internal", 30000, 1_800_000_000_123), now)],
        };
        Assert.True(await Table.InsertAsync(entry, 0, None));
        var voted = entry with { Suspicions = [.. entry.Suspicions, new Suspicion(Address(4), now.AddMilliseconds(5))] };
        Assert.True(await Table.UpdateAsync(voted, 1, None));

        var row = Assert.Single((await Table.ReadAllAsync(None)).Entries);

        AssertRow(voted with { IAmAliveTime = voted.StartTime }, row);
        Assert.Equal(TimeSpan.Zero, row.StartTime.Offset);
        Assert.All(row.Suspicions, s => Assert.Equal(TimeSpan.Zero, s.Time.Offset));
    }

    [Fact]
    public async Task Tables_OfDifferentClustersDoNotSeeEachOther()
    {
        var other = await StartAsync(CreateTableOfAnotherClusterAsync());
        using var otherNotices = new ChangeNotices(other);
        var now = await Table.GetServerTimeAsync(None);
        Assert.True(await Table.InsertAsync(Entry(Address(1), SiloStatus.Active, now), 0, None));
        Assert.True(await Table.InsertAsync(Entry(Address(2), SiloStatus.Active, now), 1, None));

        Assert.Equal(MembershipSnapshot.Empty.Version, (await other.ReadAllAsync(None)).Version);
        Assert.Empty((await other.ReadAllAsync(None)).Entries);
        Assert.False(await other.UpdateIAmAliveAsync(Address(1), None));
        Assert.True(await other.InsertAsync(Entry(Address(1), SiloStatus.Joining, now), 0, None));
        await otherNotices.WaitForAsync(1);

        // Redis delivers a connection's messages in publish order, so the other cluster's notices would be here by now.
        Assert.Equal([1], otherNotices.Versions);
        Assert.Equal(SiloStatus.Active, (await Table.ReadAllAsync(None)).Find(Address(1))!.Status);
        Assert.Equal(2, (await Table.ReadAllAsync(None)).Version);
    }

    [Fact]
    public async Task ChangeNotices_ReachAnotherSiloWithEachNewVersion()
    {
        var otherSilo = await StartAsync(CreateTableOfAnotherSiloAsync());
        using var notices = new ChangeNotices(otherSilo);
        var now = await Table.GetServerTimeAsync(None);
        var entry = Entry(Address(1), SiloStatus.Joining, now);

        Assert.True(await Table.InsertAsync(entry, 0, None));
        Assert.True(await Table.UpdateAsync(entry with { Status = SiloStatus.Active }, 1, None));
        Assert.True(await Table.UpdateIAmAliveAsync(entry.Address, None));
        Assert.False(await Table.UpdateAsync(entry, 1, None));
        Assert.True(await Table.UpdateAsync(entry with { Status = SiloStatus.ShuttingDown }, 2, None));

        await notices.WaitForAsync(3);
        Assert.Equal([1, 2, 3], notices.Versions);
        Assert.Equal(SiloStatus.ShuttingDown, (await otherSilo.ReadAllAsync(None)).Find(entry.Address)!.Status);
    }

    [Fact]
    public async Task ChangeNotices_StopAfterTheSubscriptionIsDisposed()
    {
        var otherSilo = await StartAsync(CreateTableOfAnotherSiloAsync());
        var stopped = new ChangeNotices(otherSilo);
        using var running = new ChangeNotices(otherSilo);
        var now = await Table.GetServerTimeAsync(None);
        Assert.True(await Table.InsertAsync(Entry(Address(1), SiloStatus.Joining, now), 0, None));
        await stopped.WaitForAsync(1);

        stopped.Dispose();
        Assert.True(await Table.InsertAsync(Entry(Address(2), SiloStatus.Joining, now), 1, None));
        await running.WaitForAsync(2);

        Assert.Equal([1], stopped.Versions);
    }

    [Fact]
    public async Task ConcurrentUpdates_FromTheSameVersion_ExactlyOneWins()
    {
        var otherSilo = await StartAsync(CreateTableOfAnotherSiloAsync());
        var now = await Table.GetServerTimeAsync(None);
        var entry = Entry(Address(1), SiloStatus.Active, now);
        Assert.True(await Table.InsertAsync(entry, 0, None));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racers = Enumerable.Range(1, 16).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var table = i % 2 == 0 ? Table : otherSilo;
            return (Port: i, Won: await table.UpdateAsync(entry with { HttpPort = i }, 1, None));
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(racers);

        var winner = Assert.Single(results, r => r.Won);
        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(winner.Port, Assert.Single(snapshot.Entries).HttpPort);
    }

    [Fact]
    public async Task DeleteDefunct_RemovesOnlyDeadRowsNotSeenSinceTheCutoff()
    {
        var now = await Table.GetServerTimeAsync(None);
        var oldDead = Entry(Address(1), SiloStatus.Dead, now.AddHours(-2));
        var recentDead = Entry(Address(2), SiloStatus.Dead, now);
        var oldActive = Entry(Address(3), SiloStatus.Active, now.AddHours(-2));
        var oldDeadAliveLately = Entry(Address(4), SiloStatus.Dead, now.AddHours(-2));
        var oldShuttingDown = Entry(Address(5), SiloStatus.ShuttingDown, now.AddHours(-2));
        long version = 0;
        foreach (var entry in new[] { oldDead, recentDead, oldActive, oldDeadAliveLately, oldShuttingDown })
        {
            Assert.True(await Table.InsertAsync(entry, version++, None));
        }
        Assert.True(await Table.UpdateIAmAliveAsync(oldDeadAliveLately.Address, None));
        using var notices = new ChangeNotices(Table);

        Assert.Equal(1, await Table.DeleteDefunctAsync(now.AddHours(-1), None));
        Assert.Equal(0, await Table.DeleteDefunctAsync(now.AddHours(-1), None));

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(6, snapshot.Version);
        Assert.Equal([Address(2), Address(3), Address(4), Address(5)], snapshot.Entries.Select(e => e.Address));
        await notices.WaitForAsync(6);
        Assert.False(await Table.UpdateIAmAliveAsync(oldDead.Address, None));
        // The removed silo's address is free again: a reinsert starts without its old I-am-alive time.
        Assert.True(await Table.InsertAsync(oldDead, 6, None));
        Assert.Equal(oldDead.StartTime, (await Table.ReadAllAsync(None)).Find(oldDead.Address)!.IAmAliveTime);
    }

    [Fact]
    public async Task DataLoss_ReadsAsVersionZeroAndEmpty_ThenInsertsStartOverAndNoticesStillArrive()
    {
        var otherSilo = await StartAsync(CreateTableOfAnotherSiloAsync());
        var now = await Table.GetServerTimeAsync(None);
        Assert.True(await Table.InsertAsync(Entry(Address(1), SiloStatus.Active, now), 0, None));
        Assert.True(await Table.InsertAsync(Entry(Address(2), SiloStatus.Active, now), 1, None));
        Assert.True(await Table.UpdateIAmAliveAsync(Address(1), None));

        await SimulateDataLossAsync();

        var snapshot = await Table.ReadAllAsync(None);
        Assert.Equal(0, snapshot.Version);
        Assert.Empty(snapshot.Entries);
        Assert.False(await Table.UpdateIAmAliveAsync(Address(1), None));
        Assert.False(await Table.UpdateAsync(Entry(Address(1), SiloStatus.Dead, now), 2, None));

        using var notices = new ChangeNotices(otherSilo);
        var rejoined = Entry(Address(1), SiloStatus.Active, now);
        Assert.True(await Table.InsertAsync(rejoined, 0, None));
        await notices.WaitForAsync(1);
        var after = await otherSilo.ReadAllAsync(None);
        Assert.Equal(1, after.Version);
        AssertRow(rejoined with { IAmAliveTime = rejoined.StartTime }, Assert.Single(after.Entries));
    }

    [Fact]
    public async Task CheckHealth_ReportsTheTableHealthy()
    {
        var health = await Table.CheckHealthAsync(None);

        Assert.Equal(new ProviderHealth("membership", Table.Kind, true, health.Detail), health);
    }

    protected async Task<IMembershipTable> StartAsync(Task<IMembershipTable> creating)
    {
        var table = await creating;
        _tables.Add(table);
        await table.InitializeAsync(None);
        return table;
    }

    protected static SiloAddress Address(int n) => new($"10.0.0.{n}", 11111, 1_700_000_000_000 + n);

    protected static MembershipEntry Entry(SiloAddress address, SiloStatus status, DateTimeOffset start) => new()
    {
        Address = address,
        SiloName = $"silo-{address.Host}",
        Status = status,
        StartTime = start,
    };

    /// <summary>Equal rows: every field, the suspicions in order, times as instants.</summary>
    protected static void AssertRow(MembershipEntry expected, MembershipEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Suspicions = NoSuspicions }, actual with { Suspicions = NoSuspicions });
        Assert.Equal(expected.Suspicions, actual.Suspicions);
    }
}
