namespace Granary.Silo.Hosting;

/// <summary>Composes, builds and runs the silo until it is stopped; a failure on the way becomes exit code 1 with its reason.</summary>
internal static class SiloRunner
{
    public static async Task<int> RunSiloAsync(Func<WebApplication> compose)
    {
        try
        {
            await using var app = compose();
            await app.RunAsync();
            return 0;
        }
        // HostAbortedException is how WebApplicationFactory takes the built host and stops Main: not a failure.
        catch (Exception ex) when (ex is not OutOfMemoryException and not HostAbortedException)
        {
            await Console.Error.WriteLineAsync($"Granary silo stopped: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
