using Granary.Grains.Orders;
using Granary.Grains.Scheduling;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>
/// The daily summary: once per organization and local day, across silos, with the previous day's figures. Each
/// test starts its own cluster: they run on a clock set to a fixed day, which only moves forward. The summary's due
/// reminder is read from the reminder table; its ticks are delivered once the clock reaches their intended time.
/// </summary>
public sealed class DailySummaryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);
    private readonly RecordingNotifier _notifier = new();
    private GranaryCluster? _cluster;

    private GranaryCluster Cluster => _cluster!;

    private IGrainFactory Grains => Cluster.Grains;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Summary_IsSentOncePerOrganizationAndLocalDay_AcrossThreeSilos()
    {
        _cluster = await SchedulingCluster.StartAsync(Start, _notifier, silos: 3);
        // 00:00Z on the 10th is 01:00 on the 10th in Paris and 19:00 on the 9th in New York.
        await Grains.CreateOrganizationAsync("paris", "Europe/Paris");
        await Grains.CreateOrganizationAsync("newyork", "America/New_York");
        for (var i = 0; i < 3; i++)
        {
            await Grains.OrderGrain("paris", $"p{i}").Create(Order(("A", 1)));
        }
        await Grains.OrderGrain("paris", "p0").Confirm();
        await Grains.OrderGrain("newyork", "n0").Create(Order(("A", 1)));
        await Grains.OrderGrain("newyork", "n1").Create(Order(("A", 2)));
        await Grains.OrderGrain("newyork", "n1").Cancel("changed mind");

        // 07:00 local: Paris at 06:00Z, New York at 12:00Z, on the 10th and on the 11th.
        await TickAsync(At(10, 6), expected: 1);
        await TickAsync(At(10, 12), expected: 2);
        await TickAsync(At(11, 6), expected: 3);
        await TickAsync(At(11, 12), expected: 4);
        await Cluster.AdvanceToAsync(At(11, 20), "paris", "newyork");

        var sent = _notifier.Sent.Select(s => s.Summary).ToList();
        Assert.Equal(4, sent.Count);
        Assert.All(sent.GroupBy(s => (s.OrganizationId, s.Date)), g => Assert.Single(g));

        var parisNinth = Assert.Single(sent, s => s.OrganizationId == "paris" && s.Date == new DateOnly(2026, 1, 9));
        Assert.Equal(0, parisNinth.OrderCount);
        var newYorkNinth = Assert.Single(sent, s => s.OrganizationId == "newyork" && s.Date == new DateOnly(2026, 1, 9));
        Assert.Equal(2, newYorkNinth.OrderCount);
        Assert.Equal("pending 1, cancelled 1", newYorkNinth.OrdersByStatusText);
        Assert.Equal("2.50 EUR", newYorkNinth.RevenueText);
        var parisTenth = Assert.Single(sent, s => s.OrganizationId == "paris" && s.Date == new DateOnly(2026, 1, 10));
        Assert.Equal(3, parisTenth.OrderCount);
        Assert.Equal("pending 2, confirmed 1", parisTenth.OrdersByStatusText);
        Assert.Equal("7.50 EUR", parisTenth.RevenueText);
        var newYorkTenth = Assert.Single(sent, s => s.OrganizationId == "newyork" && s.Date == new DateOnly(2026, 1, 10));
        Assert.Equal(0, newYorkTenth.OrderCount);
        Assert.All(_notifier.Sent, s => Assert.Equal($"owner-{s.Summary.OrganizationId}", s.Owner.UserId));

        var paris = await Grains.GetGrain<IDailySummaryGrain>("paris").Get();
        Assert.Equal(new DateOnly(2026, 1, 11), paris.LastSentDate);
        Assert.Equal(At(12, 6), paris.NextRunAt);
    }

    [Fact]
    public async Task Summary_HasNoReminder_WhenTurnedOff()
    {
        _cluster = await SchedulingCluster.StartAsync(Start, _notifier, silos: 1);
        var before = DateTime.UtcNow;
        var org = await Grains.CreateOrganizationAsync("quiet", "Europe/Paris");
        var summary = Grains.GetGrain<IDailySummaryGrain>("quiet");
        Assert.Equal(At(10, 6), (await summary.Get()).NextRunAt);
        var reminder = await Cluster.ReminderAsync(summary, DailySummaryGrain.ReminderName);
        Assert.NotNull(reminder);
        Assert.InRange(reminder.StartAt, before + TimeSpan.FromHours(6), DateTime.UtcNow + TimeSpan.FromHours(6));

        var info = (await org.Get())!;
        await org.UpdateSettings(info.Settings with { DailySummary = false });

        Assert.Null((await summary.Get()).NextRunAt);
        Assert.Null(await Cluster.ReminderAsync(summary, DailySummaryGrain.ReminderName));
        await Cluster.AdvanceToAsync(At(12, 0), "quiet");
        Assert.Empty(_notifier.Sent);
    }

    [Fact]
    public async Task Summary_MovesToTheNewHour_WhenTheSettingChanges()
    {
        _cluster = await SchedulingCluster.StartAsync(Start, _notifier, silos: 1);
        var org = await Grains.CreateOrganizationAsync("early", "Europe/Paris");
        var info = (await org.Get())!;

        await org.UpdateSettings(info.Settings with { DailySummaryHour = 5 });

        Assert.Equal(At(10, 4), (await Grains.GetGrain<IDailySummaryGrain>("early").Get()).NextRunAt);
        await TickAsync(At(10, 4), expected: 1);
        Assert.Equal(At(11, 4), (await Grains.GetGrain<IDailySummaryGrain>("early").Get()).NextRunAt);
    }

    /// <summary>Moves past <paramref name="due"/>, delivers the due ticks and checks that <paramref name="expected"/> summaries were handed over.</summary>
    private async Task TickAsync(DateTimeOffset due, int expected)
    {
        await Cluster.AdvanceToAsync(due + TimeSpan.FromMinutes(1), "paris", "newyork", "quiet", "early");
        Assert.Equal(expected, _notifier.Sent.Count);
    }

    private static DateTimeOffset At(int day, int hour) => new(2026, 1, day, hour, 0, 0, TimeSpan.Zero);
}
