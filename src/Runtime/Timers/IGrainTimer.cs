namespace Granary.Runtime;

/// <summary>A timer that lives with its activation: its ticks run as turns on the activation's scheduler and it stops when the activation deactivates.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the next tick comes and the period after it (<see cref="Timeout.InfiniteTimeSpan"/> = no further ticks).</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
