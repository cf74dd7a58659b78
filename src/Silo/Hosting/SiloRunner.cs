namespace Granary.Silo.Hosting;

/// <summary>Builds and runs the silo until it is stopped; a failure to build or start becomes exit code 1 with its reason.</summary>
internal static class SiloRunner
{
    public static async Task<int> RunSiloAsync(this WebApplicationBuilder builder, Action<WebApplication> map)
    {
        try
        {
            var app = builder.Build();
            map(app);
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
