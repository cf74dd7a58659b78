using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Granary.WebApi.Http;

/// <summary>
/// Endpoint metadata: the operation refuses a request without header <see cref="Name"/>. The handler binds it as
/// optional, to answer its absence with a 400 naming it; <see cref="RequiredHeaderTransformer"/> marks it required in
/// the OpenAPI document, as the server treats it.
/// </summary>
internal sealed record RequiredHeader(string Name, string Description);

/// <summary>Marks the headers of <see cref="RequiredHeader"/> metadata required (adding them when binding didn't describe them).</summary>
internal sealed class RequiredHeaderTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredHeader>())
        {
            operation.Parameters ??= [];
            var described = operation.Parameters.OfType<OpenApiParameter>()
                .FirstOrDefault(p => p.In == ParameterLocation.Header && string.Equals(p.Name, header.Name, StringComparison.OrdinalIgnoreCase));
            if (described is null)
            {
                described = new OpenApiParameter { Name = header.Name, In = ParameterLocation.Header, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                operation.Parameters.Add(described);
            }
            described.Required = true;
            described.Description = header.Description;
        }
        return Task.CompletedTask;
    }
}
