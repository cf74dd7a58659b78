namespace Granary.Hosting;

/// <summary>
/// The operator credential of <c>/dashboard</c> (configuration section <c>Granary:Dashboard</c>). Without one the
/// dashboard is open to loopback requests in Development only, and not mapped at all elsewhere.
/// </summary>
public sealed class GranaryDashboardOptions
{
    /// <summary>Configuration section the options bind to.</summary>
    public const string Section = "Granary:Dashboard";

    /// <summary>Whether the silo hosts the dashboard at all (its grains, its statistics collection and its pages).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>HTTP Basic user name; set it together with <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    /// <summary>HTTP Basic password; keep it in a secret store, and serve the dashboard over HTTPS only (TLS in front).</summary>
    public string? Password { get; set; }

    /// <summary>Whether an operator credential is configured.</summary>
    public bool HasCredential => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);
}
