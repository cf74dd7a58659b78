using Granary.Grains.Organizations;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Granary.WebApi.Queries;

namespace Granary.WebApi.Organizations;

/// <summary><c>/api/v1/orgs/{org}/api-keys</c> (admin): keys for machines, shown once, stored as SHA-256 hashes.</summary>
internal static class ApiKeyEndpoints
{
    public static void MapApiKeys(IEndpointRouteBuilder app)
    {
        var keys = app.MapOrganizationGroup("/{org}/api-keys", "API keys");
        keys.MapPost("", Create).RequireRole(OrgRole.Admin).Validate<CreateApiKeyRequest>()
            .WithName("CreateApiKey").WithSummary("Creates an API key; the response is the only time its secret is shown.");
        keys.MapGet("", List).RequireRole(OrgRole.Admin).WithName("ListApiKeys").WithSummary("The organization's API keys, without secrets.");
        keys.MapDelete("/{keyId}", Revoke).RequireRole(OrgRole.Admin).WithName("RevokeApiKey").WithSummary("Revokes an API key at once.");
    }

    public static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> Create(
        string org, CreateApiKeyRequest request, IGrainFactory grains)
    {
        var secret = SecretTokens.NewApiKey();
        var scopes = request.Scopes!.Distinct().ToList();
        var key = new NewApiKey(Guid.NewGuid().ToString("N"), request.Name!.Trim(), scopes, SecretTokens.Hash(secret), secret[..10]);
        if (await grains.GetGrain<IOrganizationGrain>(org).CreateApiKey(key) is not { } info)
        {
            return ApiProblems.NotFound("The organization");
        }
        return TypedResults.Created($"/api/v1/orgs/{org}/api-keys/{info.Id}",
            new CreatedApiKeyResponse(info.Id, info.Name, info.Scopes, info.Prefix, info.CreatedAt, secret));
    }

    public static async Task<Ok<ListPage<ApiKeyResponse>>> List(string org, IGrainFactory grains)
    {
        var keys = await grains.GetGrain<IOrganizationGrain>(org).GetApiKeys();
        return TypedResults.Ok(ListPage.Whole(keys.Select(ApiKeyResponse.From)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string org, string keyId, IGrainFactory grains)
    {
        return await grains.GetGrain<IOrganizationGrain>(org).RevokeApiKey(keyId) ? TypedResults.NoContent() : ApiProblems.NotFound("The API key");
    }
}
