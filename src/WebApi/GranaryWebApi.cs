using System.Text.Json;
using System.Text.Json.Serialization;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;
using Granary.WebApi.Http.RateLimiting;
using Granary.WebApi.Organizations;
using Granary.WebApi.Queries;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Granary.WebApi;

/// <summary>
/// The HTTP API of a silo: problem details, JSON rules, bearer auth (access tokens, API keys), rate limits, CORS,
/// security headers, request ids, OpenAPI at /openapi/v1.json and Swagger UI at /swagger. Feature endpoints are
/// mapped by <see cref="MapGranaryWebApi"/>.
/// </summary>
public static class GranaryWebApi
{
    /// <summary>Registers the API's services (configuration section <c>Granary:Http</c> and <c>Granary:Auth</c>).</summary>
    public static WebApplicationBuilder AddGranaryWebApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var http = builder.Configuration.GetSection("Granary:Http").Get<HttpOptions>() ?? new HttpOptions();
        services.Configure<AuthOptions>(builder.Configuration.GetSection("Granary:Auth"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenService>();
        services.AddHostedService<SigningKeyCheck>();

        var proxies = http.TrustedProxies;
        // Applied once here, so a bad entry stops start-up naming it.
        TrustedProxies.Apply(new ForwardedHeadersOptions(), proxies);
        services.Configure<ForwardedHeadersOptions>(o => TrustedProxies.Apply(o, proxies));
        services.AddApiProblems();
        services.AddSingleton<Webhooks.IWebhookUrlCheck, Webhooks.WebhookUrlCheck>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes);

        services.AddGranaryAuthentication();
        services.AddGranaryRateLimits(http);
        services.AddSingleton(sp => new OrgRoleCache(sp.GetRequiredService<IGrainFactory>(), http, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OrgAccess>();
        services.AddSingleton<Users.LoginMetrics>();

        services.AddCors(o => o.AddDefaultPolicy(policy =>
        {
            if (http.CorsOrigins.Length > 0)
            {
                policy.WithOrigins(http.CorsOrigins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders(RequestIdMiddleware.Header, "Retry-After");
            }
        }));
        services.AddOpenApi(o => o
            .AddDocumentTransformer((document, _, _) =>
            {
                // The product's name, not the assembly's.
                document.Info.Title = "Granary API";
                document.Info.Description = ApiGuide.Description;
                return Task.CompletedTask;
            })
            .AddDocumentTransformer<BearerSecurityTransformer>()
            .AddOperationTransformer<BearerRequirementTransformer>()
            .AddOperationTransformer<RequiredHeaderTransformer>());
        return builder;
    }

    /// <summary>Maps the middleware and every endpoint group.</summary>
    public static WebApplication MapGranaryWebApi(this WebApplication app)
    {
        // First: everything after it sees the client's address, not the proxy's.
        app.UseForwardedHeaders();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseCors();
        app.UseGranaryAuthentication();
        app.UseRateLimiter();

        app.MapOpenApi("/openapi/{documentName}.json");
        // Only requests under /swagger pass through the Swagger UI middleware, not every API call.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger => swagger.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.SwaggerEndpoint("/openapi/v1.json", "Granary API v1");
        }));
        app.MapApiGuide();
        foreach (var map in EndpointGroups.All)
        {
            map(app);
        }
        return app;
    }

    internal static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // A number is a number: "12.50" in a numeric field is a wrong type, not a price.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}

/// <summary>Settings of the HTTP surface (configuration section <c>Granary:Http</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>Largest request body accepted.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per minute per client address on anonymous endpoints (register, login, inbound hooks).</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 60;

    /// <summary>Requests per minute per user or API key.</summary>
    public int AuthenticatedRequestsPerMinute { get; set; } = 6000;

    /// <summary>
    /// How long a silo remembers a caller's role in an organization (zero: not at all). A membership change made
    /// through a silo applies there at once, and on the other silos of a cluster within this time.
    /// </summary>
    public TimeSpan RoleCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Proxies (IP addresses or CIDR networks) whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are believed;
    /// loopback when empty. Rate limits and login throttling count the client address these headers give.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Origins allowed by CORS; none by default.</summary>
    public string[] CorsOrigins { get; set; } = [];
}
