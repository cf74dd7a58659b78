namespace Granary.WebApi.Auth;

/// <summary>Resolves the signing key at start-up, so a Production silo without Granary:Auth:SigningKey fails before it serves anything.</summary>
internal sealed class SigningKeyCheck(SigningKeyProvider keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => keys.Key is null ? Task.CompletedTask : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
