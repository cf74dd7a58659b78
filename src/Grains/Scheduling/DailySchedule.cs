namespace Granary.Grains.Scheduling;

/// <summary>
/// When "every day at HH:00 in this time zone" next happens, as an instant. Daylight-saving changes are taken from
/// <see cref="TimeZoneInfo"/>: a local time skipped by a spring-forward moves to the first local minute that exists
/// after it; a local time that happens twice (fall-back) is taken at its first occurrence.
/// </summary>
public static class DailySchedule
{
    // A gap is at most a few hours (most are one hour); this bounds the search for the end of one.
    private static readonly TimeSpan LongestGap = TimeSpan.FromHours(24);

    /// <summary>The first instant after <paramref name="now"/> at which the local clock of <paramref name="zone"/> shows <paramref name="hour"/>:00 (or the end of a gap containing it).</summary>
    public static DateTimeOffset NextOccurrence(DateTimeOffset now, TimeZoneInfo zone, int hour)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfNegative(hour);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hour, 23);
        var today = LocalDate(now, zone);
        for (var days = -1; days <= 2; days++)
        {
            var candidate = At(today.AddDays(days), hour, zone);
            if (candidate > now)
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"No {hour}:00 in {zone.Id} within two days of {now:O}.");
    }

    /// <summary>The calendar date <paramref name="instant"/> falls on in <paramref name="zone"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The zone of an IANA (or Windows) id; UTC when the id is unknown, so a bad setting still gets a summary.</summary>
    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The instant of <paramref name="date"/> at <paramref name="hour"/>:00 local time.</summary>
    private static DateTimeOffset At(DateOnly date, int hour, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);
        var end = local + LongestGap;
        while (zone.IsInvalidTime(local) && local < end)
        {
            local = local.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
