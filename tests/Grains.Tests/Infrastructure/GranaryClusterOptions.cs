using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Infrastructure;

/// <summary>How a test class's <see cref="GranaryCluster"/> is set up; the defaults suit tests where storage isn't the point.</summary>
public sealed class GranaryClusterOptions
{
    /// <summary>Silos started at once.</summary>
    public short Silos { get; set; } = 1;

    /// <summary>Settings under the Granary section, e.g. ("Webhooks:AllowedTargets:0", "127.0.0.1/32").</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>More silo services (call filters, a recording read model, …), added after the domain's so they win.</summary>
    public List<Action<IServiceCollection>> Services { get; } = [];

    /// <summary>
    /// The clock grains read (the silo's unkeyed <see cref="TimeProvider"/>); Orleans's own machinery keeps real time.
    /// Null: a <see cref="FakeTimeProvider"/> starting now, so times grains compare with wall-clock inputs stay close.
    /// </summary>
    public TimeProvider? GrainClock { get; set; }

    /// <summary>
    /// Lowers <c>ReminderOptions.MinimumReminderPeriod</c> (Orleans logs a warning) so a due reminder's repeats, and
    /// reminders registered with short periods, fire within a test. Null keeps Orleans's one minute.
    /// </summary>
    public TimeSpan? MinimumReminderPeriod { get; set; }

    /// <summary>
    /// Granary's SQLite grain storage ("Default") and reminder table in this file, for tests about durability; null
    /// keeps Orleans's memory storage and in-memory reminders.
    /// </summary>
    public string? SqliteFile { get; set; }

    /// <summary>Adds a silo service registration.</summary>
    public GranaryClusterOptions AddServices(Action<IServiceCollection> configure)
    {
        Services.Add(configure);
        return this;
    }

    /// <summary>Adds Granary settings.</summary>
    public GranaryClusterOptions Set(params (string Key, string? Value)[] settings)
    {
        foreach (var (key, value) in settings)
        {
            Settings[key] = value;
        }
        return this;
    }
}
