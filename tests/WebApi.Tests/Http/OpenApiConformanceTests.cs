using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.WebApi.Tests.Http;

/// <summary>
/// The OpenAPI document against the server it describes: the same operations as the route table (every API route
/// documented, nothing documented that isn't served), a request body wherever the server reads one with a 400 to go
/// with it, and the headers the server refuses to go without marked required.
/// </summary>
public sealed class OpenApiConformanceTests
{
    [Fact]
    public async Task EveryServedApiOperationIsDocumented_AndEveryDocumentedOneIsServed()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var paths = (await (await factory.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>()).GetProperty("paths");
        var documented = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name.ToUpperInvariant()} {Normalize(path.Name)}"))
            .ToHashSet(StringComparer.Ordinal);
        var served = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/auth/", StringComparison.Ordinal) || raw.StartsWith("/hooks/", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => $"{method} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(served);
        Assert.True(served.Except(documented).ToList() is [], "Served but not documented: " + string.Join(", ", served.Except(documented).Order(StringComparer.Ordinal)));
        var apiDocumented = documented.Where(o => o.Contains(" /api/", StringComparison.Ordinal) || o.Contains(" /auth/", StringComparison.Ordinal) || o.Contains(" /hooks/", StringComparison.Ordinal));
        Assert.True(apiDocumented.Except(served).ToList() is [], "Documented but not served: " + string.Join(", ", apiDocumented.Except(served).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task EveryOperationReadingABody_DocumentsItsBodyAnd400()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var paths = (await (await factory.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>()).GetProperty("paths");
        var missing = new List<string>();
        foreach (var entry in TenantIsolationTests.Walk.Where(e => e.Body is not null))
        {
            var operation = Operation(paths, entry.Method, entry.Template);
            if (operation is not { } op || !op.TryGetProperty("requestBody", out _) || !op.GetProperty("responses").TryGetProperty("400", out _))
            {
                missing.Add(entry.Route);
            }
        }
        Assert.True(missing.Count == 0, "Operations whose body or 400 answer is not documented: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task IdempotencyKey_IsARequiredHeaderOfOrderCreation()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var paths = (await (await factory.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>()).GetProperty("paths");

        var create = Operation(paths, "POST", "/api/v1/orgs/{org}/orders")!.Value;

        var header = create.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.True(header.GetProperty("required").GetBoolean());
    }

    private static JsonElement? Operation(JsonElement paths, string method, string template)
    {
        foreach (var path in paths.EnumerateObject().Where(p => Normalize(p.Name) == Normalize(template)))
        {
            if (path.Value.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                return operation;
            }
        }
        return null;
    }

    /// <summary>"/api/v1/orgs/{org}/orders/" and "/api/v1/orgs/{org}/orders" are one route; parameter constraints dropped.</summary>
    private static string Normalize(string route)
    {
        var trimmed = route.Length > 1 ? route.TrimEnd('/') : route;
        return System.Text.RegularExpressions.Regex.Replace(trimmed, @"\{([^}:?]+)[^}]*\}", "{$1}");
    }
}
