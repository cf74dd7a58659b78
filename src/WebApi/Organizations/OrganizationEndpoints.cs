using System.Security.Claims;
using Granary.Grains.Organizations;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;
using Granary.WebApi.Queries;
using Granary.WebApi.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Organizations;

/// <summary><c>/api/v1/orgs</c>: list the caller's organizations, create one, read it, change its settings.</summary>
internal static class OrganizationEndpoints
{
    public static void MapOrganizations(IEndpointRouteBuilder app)
    {
        var orgs = app.MapOrganizationGroup("", "Organizations");
        orgs.MapPost("", Create).Validate<CreateOrganizationRequest>()
            .WithName("CreateOrganization").WithSummary("Creates an organization; the caller becomes its owner.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        orgs.MapGet("", List)
            .WithName("ListOrganizations").WithSummary("The caller's organizations with the role each gives them (a user's access token).");
        orgs.MapGet("/{org}", Get).RequireRole(OrgRole.Viewer)
            .WithName("GetOrganization").WithSummary("The organization (any member or API key of it).");
        orgs.MapPatch("/{org}/settings", UpdateSettings).RequireRole(OrgRole.Admin).Validate<UpdateSettingsRequest>()
            .WithName("UpdateOrganizationSettings").WithSummary("Changes settings (admin or owner); fields left out keep their value.");
    }

    public static async Task<Results<Ok<ListPage<MyOrganization>>, ProblemHttpResult>> List(ClaimsPrincipal caller, IGrainFactory grains)
    {
        if (caller.UserId() is not { } userId)
        {
            return ApiProblems.Forbidden("An API key belongs to one organization; listing organizations needs a user's access token.");
        }
        return TypedResults.Ok(ListPage.Whole(await CallerOrganizations.ListAsync(grains, userId)));
    }

    public static async Task<Results<Created<OrganizationResponse>, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, ClaimsPrincipal caller, IGrainFactory grains)
    {
        if (caller.UserId() is not { } userId)
        {
            return ApiProblems.Forbidden("API keys can't create organizations.");
        }
        var orgId = Guid.NewGuid().ToString("N");
        if (!await grains.GetGrain<ISlugIndexGrain>(request.Slug!).Claim(orgId))
        {
            return ApiProblems.Conflict("An organization with this slug already exists.");
        }
        OrganizationInfo info;
        try
        {
            info = await grains.GetGrain<IOrganizationGrain>(orgId).Create(new CreateOrganization(request.Name!.Trim(), request.Slug!), userId);
        }
        catch
        {
            // Give the slug back at once; should this fail too, the next claim takes the orphan over after a minute.
            await grains.GetGrain<ISlugIndexGrain>(request.Slug!).Release(orgId);
            throw;
        }
        return TypedResults.Created($"/api/v1/orgs/{orgId}", OrganizationResponse.From(info));
    }

    public static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Get(string org, IGrainFactory grains)
    {
        return await grains.GetGrain<IOrganizationGrain>(org).Get() is { } info
            ? TypedResults.Ok(OrganizationResponse.From(info))
            : ApiProblems.NotFound("The organization");
    }

    public static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> UpdateSettings(
        string org, UpdateSettingsRequest request, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IOrganizationGrain>(org);
        if (await grain.Get() is not { } current || await grain.UpdateSettings(request.ApplyTo(current.Settings)) is not { } updated)
        {
            return ApiProblems.NotFound("The organization");
        }
        return TypedResults.Ok(OrganizationResponse.From(updated));
    }
}
