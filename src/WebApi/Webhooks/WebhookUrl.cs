namespace Granary.WebApi.Webhooks;

/// <summary>What a webhook URL must look like: absolute http or https, a host, no user info, no fragment, at most 2000 characters.</summary>
internal static class WebhookUrl
{
    public const int MaxLength = 2000;

    /// <summary>Null when <paramref name="url"/> is acceptable, otherwise why not.</summary>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "url is required.";
        }
        if (url.Length > MaxLength)
        {
            return $"url must be at most {MaxLength} characters.";
        }
        if (url.Trim().Length != url.Length || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "url must be an absolute URL.";
        }
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return "url must use http or https.";
        }
        if (uri.UserInfo.Length > 0)
        {
            return "url must not carry a user name or password; authenticate the request with its signature.";
        }
        if (uri.Host.Length == 0)
        {
            return "url must name a host.";
        }
        return uri.Fragment.Length > 0 ? "url must not have a fragment (#…)." : null;
    }
}
