using Microsoft.Extensions.Hosting;

namespace Granary.Runtime.Hosting;

/// <summary>
/// Runs the silo with the host. Start: local services first; once the host has started (the silo port listens),
/// join the cluster. Stop (Ctrl-C / SIGTERM): the whole graceful stop runs before the server stops listening, so
/// requests in flight from other silos still get their answers.
/// </summary>
internal sealed class SiloHostedService(Silo silo, SiloEndpoint endpoint) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => silo.StartAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) =>
        silo.IsClustered ? silo.JoinClusterAsync(endpoint.SiloPort, endpoint.HttpPort, cancellationToken) : Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
