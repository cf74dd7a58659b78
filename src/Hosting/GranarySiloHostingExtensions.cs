using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace Granary.Hosting;

/// <summary>
/// Composes a Granary silo inside an ASP.NET Core host: <c>Granary:*</c> configuration → <c>UseOrleans</c> with the
/// profile's providers → health checks → dashboard → metrics. The executable then maps <see cref="GranaryHealthEndpoints.MapGranaryHealth"/>,
/// <see cref="GranaryDashboardEndpoints.MapGranaryDashboard"/> and <see cref="GranaryTelemetry.MapGranaryMetrics"/>.
/// </summary>
public static class GranarySiloHostingExtensions
{
    /// <summary>
    /// Hosts an Orleans silo configured from <c>Granary:*</c>. With no configuration it is the embedded profile: one silo
    /// on loopback, grain state (storage <c>Default</c>) and reminders in <c>data/granary.db</c> under the content root.
    /// With <c>Granary:Cluster:Membership:Provider=Redis</c> it joins a cluster: Redis membership and reminders, grain
    /// state in PostgreSQL. Every setting is validated at start; a bad one stops start-up with a message naming it.
    /// Provider choices, paths and connection strings are read when this runs, so configuration sources must be added
    /// before. Silos talk over the silo port in plain TCP unless <c>Granary:Cluster:Tls:CertificatePath</c> is set:
    /// without TLS that port belongs on a private network.
    /// </summary>
    /// <param name="builder">The application's builder.</param>
    /// <param name="configure">Runs last on the silo builder: grains' services, extra providers, test hooks.</param>
    public static WebApplicationBuilder AddGranarySilo(this WebApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var profile = GranaryProfile.Read(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(profile);
        builder.Services.AddGranaryOptions();
        // Before UseOrleans: hosted services start in order, and the profile should be in the log before the silo's lines.
        builder.Services.AddHostedService<ProfileAnnouncer>();
        builder.UseOrleans(silo =>
        {
            silo.AddGranaryProviders(profile);
            silo.MapGranaryOptions(profile);
            if (builder.Configuration.GetValue($"{GranaryDashboardOptions.Section}:{nameof(GranaryDashboardOptions.Enabled)}", true))
            {
                silo.AddDashboard();
            }
            silo.AddOutgoingGrainCallFilter<RejectedCallRetry>();
            if (GranaryTelemetry.TracingEnabled(builder.Configuration))
            {
                silo.AddActivityPropagation();
            }
            configure?.Invoke(silo);
        });
        CachedInterfaceGrainFactory.Decorate(builder.Services);
        builder.Services.AddGranaryHealthChecks(profile);
        builder.Services.AddGranaryDashboardAuthentication();
        builder.AddGranaryTelemetry();
        return builder;
    }
}
