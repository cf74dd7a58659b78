using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Granary.Hosting.Tests;

/// <summary>
/// A Granary silo the way the executable composes it (AddGranarySilo, MapGranaryHealth, MapGranaryDashboard) in a
/// WebApplication of the test process: Kestrel on a free loopback port, a content root of the test's choosing and
/// only the settings the test gives (environment variables and appsettings files do not leak in).
/// </summary>
internal sealed class SiloHost : IAsyncDisposable
{
    private SiloHost(WebApplication app)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(15) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    public static async Task<SiloHost> StartAsync(string contentRoot, IReadOnlyDictionary<string, string?> settings,
        string environment = "Development", Action<ISiloBuilder>? configure = null)
    {
        var app = Build(contentRoot, settings, environment, configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new SiloHost(app);
    }

    /// <summary>Builds and starts a silo that must refuse to start; returns every message of the failure.</summary>
    public static async Task<string> StartExpectingFailureAsync(string contentRoot, IReadOnlyDictionary<string, string?> settings)
    {
        WebApplication? app = null;
        try
        {
            app = Build(contentRoot, settings, "Development", configure: null);
            await app.StartAsync();
        }
        catch (Exception ex)
        {
            // A host that failed to start is only disposed: stopping a silo that never ran throws.
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            return Messages(ex);
        }
        await app.StopAsync();
        await app.DisposeAsync();
        throw new Xunit.Sdk.XunitException("The silo started although its configuration is invalid.");
    }

    public async Task<(int Status, JsonElement Body)> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return ((int)response.StatusCode, body);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await App.StopAsync(bounded.Token);
        await App.DisposeAsync();
    }

    private static WebApplication Build(string contentRoot, IReadOnlyDictionary<string, string?> settings, string environment, Action<ISiloBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = environment });
        // Only the test's settings: a Granary__* variable of the machine running the tests must not change what they see.
        foreach (var source in builder.Configuration.Sources.OfType<EnvironmentVariablesConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(source);
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("GRANARY_TEST_LOGS") == "1")
        {
            // For a failing test only: silo logs on the console, which `dotnet test --logger "console;verbosity=detailed"` shows.
            builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ");
        }
        builder.AddGranarySilo(silo =>
        {
            silo.Services.AddSingleton<IFatalErrorHandler, TestFatalErrorHandler>();
            configure?.Invoke(silo);
        });
        var app = builder.Build();
        app.MapGranaryHealth();
        app.MapGranaryDashboard();
        return app;
    }

    private static string Messages(Exception ex) => ex switch
    {
        AggregateException aggregate => string.Join(" | ", aggregate.InnerExceptions.Select(Messages)),
        { InnerException: { } inner } => ex.Message + " | " + Messages(inner),
        _ => ex.Message,
    };
}
