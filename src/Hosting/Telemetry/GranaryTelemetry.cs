using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Granary.Hosting;

/// <summary>
/// Metrics through OpenTelemetry, exposed at <c>/metrics</c> in Prometheus's text format: Granary's meters
/// (<c>Granary.*</c>: orders, jobs, logins), Orleans's (<c>Microsoft.Orleans</c>), ASP.NET Core's (requests, Kestrel,
/// rate limiting), the .NET runtime's and Npgsql's. Who may read them: see <see cref="MapGranaryMetrics"/>. Traces,
/// when <c>Granary:Traces:OtlpEndpoint</c> is set: one trace per HTTP request through the grain calls (Orleans's
/// activity propagation), the state writes, PostgreSQL and outbound HTTP (webhooks), exported over OTLP.
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
        var traces = TracesOptions.Read(builder.Configuration);
        if (traces.OtlpEndpoint is { } endpoint)
        {
            builder.Services.AddOpenTelemetry().WithTracing(provider => provider
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(traces.SampleRatio)))
                .AddSource("Microsoft.Orleans.Application", "Granary.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperatorPath(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = endpoint;
                    o.Protocol = traces.Protocol;
                }));
        }
        if (metrics.Port is int port)
        {
            // Beside the API's own addresses (Urls, ASPNETCORE_URLS or --urls, or the default), not instead of them.
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
            builder.WebHost.UseUrls([.. (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://0.0.0.0:{port}"]);
        }
        return builder;
    }

    /// <summary>Whether tracing is on: Orleans then propagates the trace through grain calls (<c>AddActivityPropagation</c>).</summary>
    public static bool TracingEnabled(IConfiguration configuration) => TracesOptions.Read(configuration).OtlpEndpoint is not null;

    /// <summary>Probes and scrapes: not traced.</summary>
    private static bool IsOperatorPath(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments(MetricsPath, StringComparison.Ordinal)
        || path.StartsWithSegments(GranaryDashboardEndpoints.RoutePrefix, StringComparison.Ordinal);

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

/// <summary>Settings of traces (configuration section <c>Granary:Traces</c>).</summary>
public sealed class TracesOptions
{
    /// <summary>The OTLP collector to send traces to (<c>http://collector:4317</c>); none: no tracing.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary><c>grpc</c> (default, port 4317) or <c>http</c> (HTTP/protobuf, port 4318; the endpoint then ends with <c>/v1/traces</c>).</summary>
    public OtlpExportProtocol Protocol { get; init; } = OtlpExportProtocol.Grpc;

    /// <summary>Share of new traces kept, 0 to 1 (a request continuing a caller's trace follows the caller's choice).</summary>
    public double SampleRatio { get; init; } = 1.0;

    internal static TracesOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Granary:Traces");
        var endpoint = section["OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return new TracesOptions();
        }
        var errors = new List<string>();
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Granary:Traces:OtlpEndpoint is '{endpoint}' but must be an absolute http or https URL such as http://collector:4317.");
        }
        var protocol = section["Protocol"] switch
        {
            null or "" => OtlpExportProtocol.Grpc,
            var p when p.Equals("grpc", StringComparison.OrdinalIgnoreCase) => OtlpExportProtocol.Grpc,
            var p when p.Equals("http", StringComparison.OrdinalIgnoreCase) => OtlpExportProtocol.HttpProtobuf,
            var p => Invalid(errors, $"Granary:Traces:Protocol is '{p}' but must be grpc or http."),
        };
        var ratio = 1.0;
        if (section["SampleRatio"] is { Length: > 0 } text
            && (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out ratio) || ratio is < 0 or > 1))
        {
            errors.Add($"Granary:Traces:SampleRatio is '{text}' but must be a number from 0 to 1.");
        }
        return errors.Count > 0
            ? throw new OptionsValidationException("Granary:Traces", typeof(TracesOptions), errors)
            : new TracesOptions { OtlpEndpoint = uri, Protocol = protocol, SampleRatio = ratio };
    }

    private static OtlpExportProtocol Invalid(List<string> errors, string message)
    {
        errors.Add(message);
        return OtlpExportProtocol.Grpc;
    }
}
