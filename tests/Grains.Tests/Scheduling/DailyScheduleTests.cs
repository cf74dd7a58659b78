using Granary.Grains.Scheduling;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>The next "HH:00 local" instant, across time zones and daylight-saving changes.</summary>
public sealed class DailyScheduleTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void NextOccurrence_IsLaterToday_WhenTheHourHasNotPassed()
    {
        var next = DailySchedule.NextOccurrence(Utc(2026, 1, 10, 5, 0), Paris, 7);

        Assert.Equal(Utc(2026, 1, 10, 6, 0), next);
    }

    [Fact]
    public void NextOccurrence_IsTomorrow_WhenTheHourHasPassedOrIsNow()
    {
        Assert.Equal(Utc(2026, 1, 11, 6, 0), DailySchedule.NextOccurrence(Utc(2026, 1, 10, 6, 30), Paris, 7));
        Assert.Equal(Utc(2026, 1, 11, 6, 0), DailySchedule.NextOccurrence(Utc(2026, 1, 10, 6, 0), Paris, 7));
    }

    [Fact]
    public void NextOccurrence_UsesTheLocalDate_WhenItDiffersFromTheUtcDate()
    {
        // 2026-01-10 03:00Z is still the 9th (22:00) in New York: 07:00 local on the 10th is 12:00Z.
        Assert.Equal(Utc(2026, 1, 10, 12, 0), DailySchedule.NextOccurrence(Utc(2026, 1, 10, 3, 0), NewYork, 7));
    }

    [Fact]
    public void NextOccurrence_FollowsTheOffsetAcrossTheSpringChange()
    {
        // Paris moves to summer time on 2026-03-29: 07:00 local is 06:00Z the day before and 05:00Z that day.
        Assert.Equal(Utc(2026, 3, 28, 6, 0), DailySchedule.NextOccurrence(Utc(2026, 3, 28, 0, 0), Paris, 7));
        Assert.Equal(Utc(2026, 3, 29, 5, 0), DailySchedule.NextOccurrence(Utc(2026, 3, 28, 6, 0), Paris, 7));
    }

    [Fact]
    public void NextOccurrence_MovesASkippedLocalTimeToTheEndOfTheGap()
    {
        // On 2026-03-29 Paris clocks jump from 02:00 to 03:00: 02:00 doesn't exist, 03:00 CEST (01:00Z) is next.
        Assert.Equal(Utc(2026, 3, 29, 1, 0), DailySchedule.NextOccurrence(Utc(2026, 3, 28, 23, 0), Paris, 2));
        // New York jumps on 2026-03-08 from 02:00 to 03:00 EDT (07:00Z).
        Assert.Equal(Utc(2026, 3, 8, 7, 0), DailySchedule.NextOccurrence(Utc(2026, 3, 8, 5, 0), NewYork, 2));
    }

    [Fact]
    public void NextOccurrence_TakesTheFirstOfARepeatedLocalTime()
    {
        // On 2026-11-01 New York repeats 01:00-02:00: 01:00 EDT (05:00Z) comes before 01:00 EST (06:00Z).
        Assert.Equal(Utc(2026, 11, 1, 5, 0), DailySchedule.NextOccurrence(Utc(2026, 11, 1, 0, 0), NewYork, 1));
        // After the first 01:00 the next one is the following day, not the repeat an hour later.
        Assert.Equal(Utc(2026, 11, 2, 6, 0), DailySchedule.NextOccurrence(Utc(2026, 11, 1, 5, 0), NewYork, 1));
    }

    [Fact]
    public void NextOccurrence_RefusesAnHourOutside0To23()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DailySchedule.NextOccurrence(Utc(2026, 1, 1, 0, 0), Paris, 24));
        Assert.Throws<ArgumentOutOfRangeException>(() => DailySchedule.NextOccurrence(Utc(2026, 1, 1, 0, 0), Paris, -1));
    }

    [Fact]
    public void Zone_FallsBackToUtc_ForAnUnknownId()
    {
        Assert.Same(TimeZoneInfo.Utc, DailySchedule.Zone("Mars/Olympus_Mons"));
    }

    [Fact]
    public void SummaryText_ListsStatusesAndCurrencies()
    {
        var summary = new DailySummary("org", "Org", new DateOnly(2026, 1, 10), "UTC", 5,
            new Dictionary<string, int> { ["pending"] = 3, ["confirmed"] = 2 },
            new Dictionary<string, decimal> { ["USD"] = 10m, ["EUR"] = 123.45m });

        var values = summary.TemplateValues();

        Assert.Equal("pending 3, confirmed 2", values["ordersByStatus"]);
        Assert.Equal("123.45 EUR; 10.00 USD", values["revenue"]);
        Assert.Equal("5", values["orderCount"]);
        Assert.Equal("2026-01-10", values["date"]);
        Assert.Equal("Org", values["organizationName"]);
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
