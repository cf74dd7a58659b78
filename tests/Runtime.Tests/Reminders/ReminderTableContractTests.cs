using Granary.Runtime.Reminders;

namespace Granary.Runtime.Tests.Reminders;

/// <summary>
/// The behaviour every <see cref="IReminderTable"/> must have; one subclass per provider runs it.
/// Times are fixed (with milliseconds, which every provider must keep) since the tables never read the clock.
/// </summary>
public abstract class ReminderTableContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2031, 3, 4, 5, 6, 7, 891, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private IReminderTable? _table;

    protected IReminderTable Table => _table ?? throw new InvalidOperationException("The table is not created yet.");

    /// <summary>Creates a table over fresh, isolated storage; the base class initializes it.</summary>
    protected abstract Task<IReminderTable> CreateTableAsync();

    /// <summary>Deletes the storage the test used.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _table = await CreateTableAsync();
        await _table.InitializeAsync(None);
    }

    public async Task DisposeAsync()
    {
        if (_table is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        await CleanUpAsync();
    }

    [Fact]
    public async Task Upsert_StoresANewRowWithVersionOneThatReadReturns()
    {
        var stored = await Table.UpsertAsync(Entry("a", "tick", 3, T0, TimeSpan.FromMinutes(1)) with { Attempt = 5, Version = 42 }, None);

        var expected = Entry("a", "tick", 3, T0, TimeSpan.FromMinutes(1)) with { Attempt = 0, Version = 1 };
        Assert.Equal(expected, stored);
        Assert.Equal(expected, await Table.ReadAsync(Grain("a"), "tick", None));
    }

    [Fact]
    public async Task Upsert_KeepsMillisecondsFarFutureDueTimesAndOneShotPeriods()
    {
        var farFuture = new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);
        await Table.UpsertAsync(Entry("a", "once", 1, farFuture), None);

        var read = await Table.ReadAsync(Grain("a"), "once", None);

        Assert.NotNull(read);
        Assert.Equal(farFuture, read.DueTime);
        Assert.Equal(TimeSpan.Zero, read.DueTime.Offset);
        Assert.Null(read.Period);
    }

    [Fact]
    public async Task Read_ReturnsNullForAMissingRow()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0), None);

        Assert.Null(await Table.ReadAsync(Grain("a"), "other", None));
        Assert.Null(await Table.ReadAsync(Grain("b"), "tick", None));
    }

    [Fact]
    public async Task ReadGrain_ReturnsEveryRowOfTheGrainOrderedByName()
    {
        await Table.UpsertAsync(Entry("a", "b", 1, T0), None);
        await Table.UpsertAsync(Entry("a", "c", 2, T0), None);
        await Table.UpsertAsync(Entry("a", "a", 3, T0), None);
        await Table.UpsertAsync(Entry("other", "a", 4, T0), None);

        var rows = await Table.ReadGrainAsync(Grain("a"), None);

        Assert.Equal(["a", "b", "c"], rows.Select(r => r.Name));
        Assert.All(rows, r => Assert.Equal(Grain("a"), r.GrainId));
        Assert.Empty(await Table.ReadGrainAsync(Grain("none"), None));
    }

    [Fact]
    public async Task Upsert_AgainReplacesTheRowBumpsTheVersionAndResetsTheAttempt()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0, TimeSpan.FromMinutes(1)), None);
        var claimed = Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddSeconds(30), 10, None));
        Assert.True(await Table.RetryAsync(claimed, T0.AddSeconds(5), 3, None));

        var replaced = await Table.UpsertAsync(Entry("a", "tick", 2, T0.AddHours(1), TimeSpan.FromSeconds(10)), None);

        var expected = Entry("a", "tick", 2, T0.AddHours(1), TimeSpan.FromSeconds(10)) with { Attempt = 0, Version = 4 };
        Assert.Equal(expected, replaced);
        Assert.Equal(expected, await Table.ReadAsync(Grain("a"), "tick", None));
        Assert.Empty(await Table.ClaimDueAsync([1], T0.AddDays(1), T0.AddDays(2), 10, None));
        Assert.Equal(expected with { Version = 5 }, Assert.Single(await Table.ClaimDueAsync([2], T0.AddHours(1), T0.AddDays(2), 10, None)));
        Assert.Equal(1, await Table.CountAsync(None));
    }

    [Fact]
    public async Task Remove_DeletesTheRowAndSaysWhetherOneExisted()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0), None);
        await Table.UpsertAsync(Entry("a", "keep", 1, T0), None);

        Assert.True(await Table.RemoveAsync(Grain("a"), "tick", None));
        Assert.False(await Table.RemoveAsync(Grain("a"), "tick", None));

        Assert.Null(await Table.ReadAsync(Grain("a"), "tick", None));
        Assert.Equal("keep", Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddMinutes(1), 10, None)).Name);
    }

    [Fact]
    public async Task Claim_ReturnsOnlyDueRowsOfTheRequestedBucketsEarliestFirstWithOriginalDueAndNewVersion()
    {
        await Table.UpsertAsync(Entry("a", "third", 1, T0.AddSeconds(3)), None);
        await Table.UpsertAsync(Entry("b", "first", 2, T0.AddSeconds(1)), None);
        await Table.UpsertAsync(Entry("c", "other-bucket", 3, T0), None);
        await Table.UpsertAsync(Entry("d", "second", 1, T0.AddSeconds(2), TimeSpan.FromMinutes(5)), None);
        await Table.UpsertAsync(Entry("e", "at-the-limit", 2, T0.AddSeconds(5)), None);
        await Table.UpsertAsync(Entry("f", "not-yet", 2, T0.AddSeconds(5).AddMilliseconds(1)), None);

        var claimed = await Table.ClaimDueAsync([1, 2], T0.AddSeconds(5), T0.AddMinutes(1), 10, None);

        Assert.Equal(
            [
                Entry("b", "first", 2, T0.AddSeconds(1)) with { Version = 2 },
                Entry("d", "second", 1, T0.AddSeconds(2), TimeSpan.FromMinutes(5)) with { Version = 2 },
                Entry("a", "third", 1, T0.AddSeconds(3)) with { Version = 2 },
                Entry("e", "at-the-limit", 2, T0.AddSeconds(5)) with { Version = 2 },
            ],
            claimed);
        Assert.Equal(T0, (await Table.ReadAsync(Grain("c"), "other-bucket", None))!.DueTime);
        Assert.Equal(1, (await Table.ReadAsync(Grain("f"), "not-yet", None))!.Version);
    }

    [Fact]
    public async Task Claim_TakesAtMostMaxRowsTheEarliestAcrossBuckets()
    {
        for (var i = 0; i < 6; i++)
        {
            await Table.UpsertAsync(Entry($"g{i}", "tick", i % 2, T0.AddSeconds(-i)), None);
        }

        var claimed = await Table.ClaimDueAsync([0, 1], T0, T0.AddMinutes(1), 3, None);

        Assert.Equal(["g5", "g4", "g3"], claimed.Select(c => c.GrainId.Key));
        Assert.Equal(["g2", "g1", "g0"], (await Table.ClaimDueAsync([0, 1], T0, T0.AddMinutes(1), 10, None)).Select(c => c.GrainId.Key));
    }

    [Fact]
    public async Task Claim_MovesTheRowsToTheLeaseSoAnImmediateSecondClaimGetsNothing()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0), None);
        var lease = T0.AddSeconds(30);

        Assert.Single(await Table.ClaimDueAsync([1], T0, lease, 10, None));
        Assert.Empty(await Table.ClaimDueAsync([1], T0, lease, 10, None));

        var row = await Table.ReadAsync(Grain("a"), "tick", None);
        Assert.Equal(lease, row!.DueTime);
        Assert.Equal(2, row.Version);
        // An owner that never completes loses the lease: the row is due again when it ends.
        Assert.Equal(lease, Assert.Single(await Table.ClaimDueAsync([1], lease, lease.AddSeconds(30), 10, None)).DueTime);
    }

    [Fact]
    public async Task Complete_PeriodicSetsTheNextDueAndTheRowIsClaimableAgainThen()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0, TimeSpan.FromMinutes(1)), None);
        var claimed = Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddSeconds(30), 10, None));
        Assert.True(await Table.RetryAsync(claimed, T0.AddSeconds(1), 1, None));
        claimed = Assert.Single(await Table.ClaimDueAsync([1], T0.AddSeconds(1), T0.AddSeconds(30), 10, None));

        Assert.True(await Table.CompleteAsync(claimed, T0.AddMinutes(1), None));

        var expected = Entry("a", "tick", 1, T0.AddMinutes(1), TimeSpan.FromMinutes(1)) with { Attempt = 0, Version = 5 };
        Assert.Equal(expected, await Table.ReadAsync(Grain("a"), "tick", None));
        Assert.Empty(await Table.ClaimDueAsync([1], T0.AddMinutes(1).AddMilliseconds(-1), T0.AddMinutes(2), 10, None));
        Assert.Equal(expected with { Version = 6 }, Assert.Single(await Table.ClaimDueAsync([1], T0.AddMinutes(1), T0.AddMinutes(2), 10, None)));
    }

    [Fact]
    public async Task Complete_OneShotDeletesTheRow()
    {
        await Table.UpsertAsync(Entry("a", "once", 1, T0), None);
        var claimed = Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddSeconds(30), 10, None));

        Assert.True(await Table.CompleteAsync(claimed, null, None));

        Assert.Null(await Table.ReadAsync(Grain("a"), "once", None));
        Assert.Empty(await Table.ClaimDueAsync([1], T0.AddDays(1), T0.AddDays(2), 10, None));
        Assert.Equal(0, await Table.CountAsync(None));
    }

    [Fact]
    public async Task CompleteAndRetry_WithAStaleVersionReturnFalseAndLeaveTheReregisteredRowIntact()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0, TimeSpan.FromMinutes(1)), None);
        var claimed = Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddSeconds(30), 10, None));
        var reregistered = await Table.UpsertAsync(Entry("a", "tick", 1, T0.AddHours(2), TimeSpan.FromHours(1)), None);

        Assert.False(await Table.CompleteAsync(claimed, T0.AddMinutes(1), None));
        Assert.False(await Table.CompleteAsync(claimed, null, None));
        Assert.False(await Table.RetryAsync(claimed, T0.AddSeconds(5), 1, None));

        Assert.Equal(3, reregistered.Version);
        Assert.Equal(reregistered, await Table.ReadAsync(Grain("a"), "tick", None));
        Assert.Empty(await Table.ClaimDueAsync([1], T0.AddHours(1), T0.AddHours(3), 10, None));
    }

    [Fact]
    public async Task CompleteAndRetry_OfARemovedRowReturnFalse()
    {
        await Table.UpsertAsync(Entry("a", "tick", 1, T0, TimeSpan.FromMinutes(1)), None);
        var claimed = Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddSeconds(30), 10, None));
        await Table.RemoveAsync(Grain("a"), "tick", None);

        Assert.False(await Table.CompleteAsync(claimed, T0.AddMinutes(1), None));
        Assert.False(await Table.RetryAsync(claimed, T0.AddSeconds(5), 1, None));

        Assert.Null(await Table.ReadAsync(Grain("a"), "tick", None));
        Assert.Equal(0, await Table.CountAsync(None));
    }

    [Fact]
    public async Task Retry_SetsTheDueTimeAndAttemptUnderANewVersion()
    {
        await Table.UpsertAsync(Entry("a", "once", 1, T0), None);
        var claimed = Assert.Single(await Table.ClaimDueAsync([1], T0, T0.AddSeconds(30), 10, None));

        Assert.True(await Table.RetryAsync(claimed, T0.AddSeconds(2), 2, None));

        var expected = Entry("a", "once", 1, T0.AddSeconds(2)) with { Attempt = 2, Version = 3 };
        Assert.Equal(expected, await Table.ReadAsync(Grain("a"), "once", None));
        Assert.Empty(await Table.ClaimDueAsync([1], T0.AddSeconds(1), T0.AddSeconds(30), 10, None));
        Assert.Equal(expected with { Version = 4 }, Assert.Single(await Table.ClaimDueAsync([1], T0.AddSeconds(2), T0.AddSeconds(30), 10, None)));
    }

    [Fact]
    public async Task Claim_ByEightConcurrentClaimersTakesEachOf200DueRowsExactlyOnce()
    {
        for (var i = 0; i < 200; i++)
        {
            await Table.UpsertAsync(Entry($"g{i}", "tick", i % 8, T0.AddMilliseconds(-i)), None);
        }
        int[] buckets = [0, 1, 2, 3, 4, 5, 6, 7];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var claimers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            var mine = new List<ReminderEntry>();
            while (true)
            {
                // Claimed rows move to a lease far ahead, so an empty claim means every row has been taken.
                var batch = await Table.ClaimDueAsync(buckets, T0, T0.AddHours(1), 7, None);
                if (batch.Count == 0)
                {
                    return mine;
                }
                mine.AddRange(batch);
            }
        })).ToList();
        start.SetResult();
        var claimed = (await Task.WhenAll(claimers)).SelectMany(c => c).ToList();

        Assert.Equal(200, claimed.Count);
        Assert.Equal(200, claimed.Select(c => c.GrainId.Key).Distinct().Count());
        Assert.All(claimed, c => Assert.Equal(2, c.Version));
    }

    [Fact]
    public async Task Count_CountsTheRowsOfEveryBucket()
    {
        Assert.Equal(0, await Table.CountAsync(None));
        for (var i = 0; i < 10; i++)
        {
            await Table.UpsertAsync(Entry($"g{i}", "tick", i * 7, T0), None);
        }
        await Table.UpsertAsync(Entry("g0", "tick", 0, T0.AddDays(1)), None);
        Assert.Equal(10, await Table.CountAsync(None));

        await Table.RemoveAsync(Grain("g3"), "tick", None);

        Assert.Equal(9, await Table.CountAsync(None));
    }

    [Fact]
    public async Task CheckHealth_ReportsAHealthyRemindersProviderOfItsKind()
    {
        var health = await Table.CheckHealthAsync(None);

        Assert.Equal("reminders", health.Component);
        Assert.Equal(Table.Kind, health.Kind);
        Assert.True(health.Healthy, health.Detail);
    }

    protected static GrainId Grain(string key) => new("counter", key);

    protected static ReminderEntry Entry(string key, string name, int bucket, DateTimeOffset due, TimeSpan? period = null) =>
        new() { GrainId = Grain(key), Name = name, Bucket = bucket, DueTime = due, Period = period };
}
