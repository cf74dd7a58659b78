using Granary.Grains;
using Granary.Hosting;
using Granary.ReadModel;
using Granary.Silo.Hosting;
using Granary.WebApi;

if (OperatorCommands.IsMigrate(args))
{
    return await OperatorCommands.MigrateAsync(args);
}
if (HealthCheckCommand.Is(args))
{
    return await HealthCheckCommand.RunAsync(args);
}

return await SiloRunner.RunSiloAsync(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddSiloProcessDefaults();
    builder.AddGranarySilo(silo => silo.AddGrainAssemblies(builder.Configuration));
    // The read model before the domain: the domain's "no read model" fallback applies only when none is registered.
    builder.Services.AddReadModel(builder.Configuration.GetSection("Granary"));
    builder.Services.AddGranaryDomain(builder.Configuration.GetSection("Granary"));
    builder.AddGranaryWebApi();

    var app = builder.Build();
    app.MapGranaryWebApi();
    app.MapGranaryHealth();
    app.MapGranaryDashboard();
    app.MapGranaryMetrics();
    return app;
});

/// <summary>The silo executable; public so that tests can host it.</summary>
public partial class Program;
