using Granary.Silo.Hosting;
using Granary.WebApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddGranarySilo();
builder.AddGranaryWebApi();

return await builder.RunSiloAsync(app =>
{
    app.MapGranaryWebApi();
    app.MapHealthEndpoints();
});

/// <summary>The silo executable; public so that tests can host it.</summary>
public partial class Program;
