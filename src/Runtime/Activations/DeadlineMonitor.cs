namespace Granary.Runtime.Activations;

/// <summary>Every <see cref="Hosting.SiloOptions.DeadlineCheckInterval"/>, fails calls whose deadline passed and cancels their tokens.</summary>
internal sealed class DeadlineMonitor : IDisposable
{
    private readonly SiloRuntime _runtime;
    private readonly ITimer _timer;

    public DeadlineMonitor(SiloRuntime runtime)
    {
        _runtime = runtime;
        _timer = runtime.Time.CreateTimer(static s => ((DeadlineMonitor)s!).Check(), this, runtime.Options.DeadlineCheckInterval, Timeout.InfiniteTimeSpan);
    }

    private void Check()
    {
        try
        {
            var now = _runtime.Time.GetTimestamp();
            foreach (var target in _runtime.Catalog.Targets)
            {
                target.ExpireRequests(now);
            }
        }
        finally
        {
            _timer.Change(_runtime.Options.DeadlineCheckInterval, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();
}
