namespace Granary.Silo.Hosting;

/// <summary>What the executable sets up beside Orleans: where HTTP listens by default, and JSON console logs.</summary>
internal static class SiloProcessDefaults
{
    /// <summary>Where the HTTP API listens unless Urls / ASPNETCORE_URLS / --urls say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplicationBuilder AddSiloProcessDefaults(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // One JSON object per line: what log shippers read without a parsing rule per message.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // Orleans's placement runs through a Polly pipeline that logs two Information lines per placed activation.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        return builder;
    }
}
