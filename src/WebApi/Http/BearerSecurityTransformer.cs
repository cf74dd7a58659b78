using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Granary.WebApi.Http;

/// <summary>Declares the bearer scheme (access tokens and API keys) in the OpenAPI document.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT or API key",
            Description = "An access token from /auth/login, or an organization API key.",
        };
        return Task.CompletedTask;
    }
}
