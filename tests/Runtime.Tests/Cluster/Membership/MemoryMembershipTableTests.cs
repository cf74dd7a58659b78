using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Cluster.Membership.Memory;
using Granary.Runtime.Testing;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>The membership table contract against the in-memory table, which one test cluster's silos share.</summary>
public sealed class MemoryMembershipTableTests : MembershipTableContractTests
{
    private MemoryMembershipTable? _shared;

    protected override Task<IMembershipTable> CreateTableAsync() => Task.FromResult<IMembershipTable>(_shared = new MemoryMembershipTable());

    // Silos of one in-process cluster share one instance.
    protected override Task<IMembershipTable> CreateTableOfAnotherSiloAsync() => Task.FromResult<IMembershipTable>(_shared!);

    protected override Task<IMembershipTable> CreateTableOfAnotherClusterAsync() => Task.FromResult<IMembershipTable>(new MemoryMembershipTable());

    protected override Task SimulateDataLossAsync()
    {
        _shared!.Clear();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ServerTime_AndIAmAliveTimes_ComeFromTheInjectedClockToTheMillisecond()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567));
        var table = new MemoryMembershipTable(clock);
        var address = Address(1);
        Assert.True(await table.InsertAsync(Entry(address, SiloStatus.Active, clock.GetUtcNow()), 0, CancellationToken.None));

        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.True(await table.UpdateIAmAliveAsync(address, CancellationToken.None));

        var expected = new DateTimeOffset(2030, 1, 2, 3, 7, 5, 123, TimeSpan.Zero);
        Assert.Equal(expected, await table.GetServerTimeAsync(CancellationToken.None));
        Assert.Equal(expected, (await table.ReadAllAsync(CancellationToken.None)).Entries[0].IAmAliveTime);
    }

    [Fact]
    public async Task ChangeNotices_AreDeliveredAfterTheWriteReturns_NotInlineOnTheWritersThread()
    {
        var table = new MemoryMembershipTable();
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = table.SubscribeToChanges(version =>
        {
            entered.TrySetResult(version);
            release.Wait(TimeSpan.FromSeconds(10));
        });
        using var notices = new ChangeNotices(table);

        // If the notice ran inline, the handler would block these writes until its ten-second wait ran out.
        var writes = Task.Run(async () =>
        {
            Assert.True(await table.InsertAsync(Entry(Address(1), SiloStatus.Joining, DateTimeOffset.UnixEpoch), 0, CancellationToken.None));
            Assert.True(await table.InsertAsync(Entry(Address(2), SiloStatus.Joining, DateTimeOffset.UnixEpoch), 1, CancellationToken.None));
        });
        await writes.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await entered.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(notices.Versions);

        release.Set();
        await notices.WaitForAsync(2);
        Assert.Equal([1, 2], notices.Versions);
    }

    [Fact]
    public async Task ChangeNotices_ReachTheOtherHandlersWhenOneThrows()
    {
        var table = new MemoryMembershipTable();
        using var throwing = table.SubscribeToChanges(_ => throw new InvalidOperationException("handler bug"));
        using var notices = new ChangeNotices(table);

        Assert.True(await table.InsertAsync(Entry(Address(1), SiloStatus.Joining, DateTimeOffset.UnixEpoch), 0, CancellationToken.None));
        Assert.True(await table.InsertAsync(Entry(Address(2), SiloStatus.Joining, DateTimeOffset.UnixEpoch), 1, CancellationToken.None));

        await notices.WaitForAsync(2);
        Assert.Equal([1, 2], notices.Versions);
    }
}
