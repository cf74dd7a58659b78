using Microsoft.Extensions.Hosting;

namespace Granary.Runtime.Hosting;

/// <summary>Starts and stops the silo with the host (Ctrl-C / SIGTERM stop it cleanly).</summary>
internal sealed class SiloHostedService(Silo silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => silo.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);
}
