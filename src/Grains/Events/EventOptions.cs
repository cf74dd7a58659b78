namespace Granary.Grains.Events;

/// <summary>Hand-over of domain events to jobs (configuration section <c>Granary:Events</c>).</summary>
public sealed class EventOptions
{
    /// <summary>
    /// How often an order whose outbox still holds events hands them over again (its reminder's period; at least one
    /// second). The first hand-over follows the transition at once; this is the safety net after a crash or failure.
    /// </summary>
    public TimeSpan OutboxRetry { get; set; } = TimeSpan.FromMinutes(1);
}
