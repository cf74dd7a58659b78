using Granary.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGranarySilo();

return await builder.RunSiloAsync(app => app.MapHealthEndpoints());

/// <summary>The silo executable; public so that tests can host it.</summary>
public partial class Program;
