namespace Granary.Silo.Hosting;

/// <summary>What the executable sets up beside Orleans: where HTTP listens by default, and JSON console logs.</summary>
internal static class SiloProcessDefaults
{
    /// <summary>Where the HTTP API listens unless Urls / ASPNETCORE_URLS / --urls say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    /// <summary>Where secrets are read from, one file per setting, unless GRANARY_SECRETS_DIR names another folder.</summary>
    public const string DefaultSecretsDirectory = "/run/secrets";

    public static WebApplicationBuilder AddSiloProcessDefaults(this WebApplicationBuilder builder)
    {
        // Secrets as files (Docker and Kubernetes secrets): a file named Granary__Auth__SigningKey holds that setting.
        // They take precedence over environment variables and appsettings.
        var secrets = Environment.GetEnvironmentVariable("GRANARY_SECRETS_DIR") is { Length: > 0 } configured ? configured : DefaultSecretsDirectory;
        if (Directory.Exists(secrets))
        {
            builder.Configuration.AddKeyPerFile(Path.GetFullPath(secrets), optional: true);
        }

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
