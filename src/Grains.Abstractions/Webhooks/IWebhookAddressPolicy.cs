namespace Granary.Grains.Webhooks;

/// <summary>
/// Which webhook targets may be stored (a silo service): refuses URLs whose host is a loopback, private,
/// link-local or metadata address unless the configuration allows it. Deliveries check resolved addresses again when
/// they connect.
/// </summary>
public interface IWebhookAddressPolicy
{
    /// <summary>Null when the URL may be stored, else the reason it may not.</summary>
    string? CheckUrl(string? url);
}
