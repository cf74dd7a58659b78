namespace Granary.Silo.Hosting;

/// <summary>Runs the silo until it is stopped; a failure to start becomes exit code 1 (the host has logged why).</summary>
internal static class SiloRunner
{
    public static async Task<int> RunSiloAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"Granary silo stopped: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
