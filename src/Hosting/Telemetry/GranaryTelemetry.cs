using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Granary.Hosting;

/// <summary>
/// Metrics through OpenTelemetry, exposed at <c>/metrics</c> in Prometheus's text format: Granary's meters
/// (<c>Granary.*</c>: orders, jobs, logins), Orleans's (<c>Microsoft.Orleans</c>), ASP.NET Core's (requests, Kestrel,
/// rate limiting), the .NET runtime's and Npgsql's. Who may read them: see <see cref="MapGranaryMetrics"/>.
/// </summary>
public static class GranaryTelemetry
{
    /// <summary>Where Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The service name metrics and traces carry.</summary>
    public const string ServiceName = "granary";

    /// <summary>Registers the meter provider and its Prometheus exporter; with <c>Granary:Metrics:Port</c> set, Kestrel also listens there.</summary>
    public static WebApplicationBuilder AddGranaryTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metrics = MetricsOptions.Read(builder.Configuration);
        builder.Services.AddSingleton(Options.Create(metrics));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: builder.Configuration["Granary:SiloName"] ?? Environment.MachineName))
            .WithMetrics(provider => provider
                .AddMeter("Granary.*", "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        if (metrics.Port is int port)
        {
            // Beside the API's own addresses (Urls, ASPNETCORE_URLS or --urls, or the default), not instead of them.
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
            builder.WebHost.UseUrls([.. (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://0.0.0.0:{port}"]);
        }
        return builder;
    }

    /// <summary>
    /// Maps <c>/metrics</c>. With <c>Granary:Metrics:Port</c> set it is served there to anyone who reaches that port (a
    /// management port: keep it on a private network), and only there. Otherwise it is served on the API's port behind
    /// the operator credential of <c>/dashboard</c> (HTTP Basic; in Development without one, loopback callers), and not
    /// at all (404) on a silo that has no credential outside Development.
    /// </summary>
    public static WebApplication MapGranaryMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (metrics.Port is int port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal));
            return app;
        }
        var credential = app.Services.GetRequiredService<IOptions<GranaryDashboardOptions>>().Value;
        if (credential.HasCredential || app.Environment.IsDevelopment())
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(DashboardAuthentication.Policy).ExcludeFromDescription();
        }
        return app;
    }
}

/// <summary>Settings of <c>/metrics</c> (configuration section <c>Granary:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    /// <summary>A management port serving <c>/metrics</c> without a credential; none by default.</summary>
    public int? Port { get; init; }

    internal static MetricsOptions Read(IConfiguration configuration)
    {
        var text = configuration["Granary:Metrics:Port"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MetricsOptions();
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? new MetricsOptions { Port = port }
            : throw new OptionsValidationException("Granary:Metrics", typeof(MetricsOptions),
                [$"Granary:Metrics:Port is '{text}' but must be a TCP port between 1 and 65535 (or unset: /metrics then needs the operator credential)."]);
    }
}
