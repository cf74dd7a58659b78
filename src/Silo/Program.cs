using Granary.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGranarySilo();

var app = builder.Build();
app.MapHealthEndpoints();
return await app.RunSiloAsync();

/// <summary>The silo executable; public so that tests can host it.</summary>
public partial class Program;
