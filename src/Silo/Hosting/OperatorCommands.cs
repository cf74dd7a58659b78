using Granary.Hosting;

namespace Granary.Silo.Hosting;

/// <summary>
/// Commands an operator runs instead of a silo: <c>dotnet Granary.Silo.dll migrate [settings]</c> applies Granary's
/// schema to the databases the configuration names and exits with 0 (current) or 1 (invalid configuration or failure).
/// <c>healthcheck</c> is the other one (<see cref="HealthCheckCommand"/>).
/// </summary>
internal static class OperatorCommands
{
    public const string Migrate = "migrate";

    public static bool IsMigrate(string[] args) => args.Length > 0 && string.Equals(args[0], Migrate, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads configuration exactly as a silo start would (appsettings, environment, the arguments after the command).</summary>
    public static async Task<int> MigrateAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args[1..]);
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddJsonConsole(options => options.UseUtcTimestamp = true));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        return await GranaryMigrations.RunMigrationsAsync(
            builder.Configuration, builder.Environment.ContentRootPath, loggerFactory: loggerFactory, cancellationToken: stop.Token);
    }
}
