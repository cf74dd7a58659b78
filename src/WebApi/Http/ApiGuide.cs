namespace Granary.WebApi.Http;

/// <summary>
/// <c>GET /api-guide</c>: docs/api.md as built into this assembly, so a silo serves the guide of its own version; the
/// OpenAPI document's description (and so the Swagger UI page) links to it.
/// </summary>
internal static class ApiGuide
{
    public const string Path = "/api-guide";

    /// <summary>The guide's link in the OpenAPI description.</summary>
    public const string Description =
        "Order management for multi-channel sellers. How to authenticate, what each role may do, how an order moves, idempotency, " +
        "errors, limits, and verifying webhooks: the [API guide](" + Path + ").";

    private const string ResourceName = "Granary.WebApi.api-guide.md";

    private static readonly Lazy<byte[]> Text = new(() =>
    {
        using var stream = typeof(ApiGuide).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly lacks its embedded {ResourceName} (docs/api.md).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static void MapApiGuide(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, () => Results.Bytes(Text.Value, "text/markdown; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
}
