using Granary.Grains;
using Granary.ReadModel;
using Granary.Runtime.Hosting;

namespace Granary.Silo.Hosting;

/// <summary>Composes the silo process: JSON console logs, the Granary runtime from configuration, the domain's grains.</summary>
internal static class SiloHostBuilderExtensions
{
    /// <summary>Where the HTTP API listens unless Urls / ASPNETCORE_URLS / --urls say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplicationBuilder AddGranarySilo(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        var granary = builder.Configuration.GetSection("Granary");
        builder.Services.AddHostedService<SchemaStartup>();
        var silo = builder.Services.AddGranary(granary).AddGrains(GrainsAssembly.Assembly);
        builder.Services.AddReadModel(granary);
        builder.Services.AddGranaryDomain(granary);
        foreach (var path in granary.GetSection("GrainAssemblies").Get<string[]>() ?? [])
        {
            silo.AddGrains(GrainAssemblyLoader.Load(path));
        }

        // A clustered silo also listens on its silo port; with endpoints set in code Kestrel ignores Urls, so the
        // HTTP endpoints are added the same way.
        if (!string.Equals(granary["Cluster:Membership:Provider"] ?? "None", "None", StringComparison.OrdinalIgnoreCase))
        {
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : DefaultUrl;
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenSiloPort().ListenHttpUrls(urls));
        }

        // The host must give the silo its whole shutdown budget: deactivation and reminder hand-back run inside it.
        var shutdown = granary.GetValue("ShutdownTimeout", TimeSpan.FromSeconds(30));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown + TimeSpan.FromSeconds(5));
        return builder;
    }
}
