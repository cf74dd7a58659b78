using Microsoft.AspNetCore.Mvc;

namespace Granary.WebApi.Http;

/// <summary>
/// Declares problem answers on endpoints and groups, so the OpenAPI document lists every status an operation can
/// answer: the conventions that add a behaviour (a caller required, a rate limit, an organization group, a validated
/// body) declare its statuses here in the same call, and endpoints add their own (409, 422…).
/// </summary>
internal static class DocumentedProblems
{
    private static readonly string[] ProblemJson = ["application/problem+json"];

    public static TBuilder DocumentProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ProblemJson));
        }
        return builder;
    }
}
