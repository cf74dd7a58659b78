using System.Security.Claims;
using Granary.Grains.Organizations;
using Granary.Grains.Users;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Granary.WebApi.Queries;

namespace Granary.WebApi.Organizations;

/// <summary>
/// <c>/api/v1/orgs/{org}/members</c>. Adding someone needs an existing account: an unknown email is a 422 naming the
/// field (the organization exists, the request can't be carried out). The last owner can't leave or be demoted (409).
/// </summary>
internal static class MemberEndpoints
{
    public static void MapMembers(IEndpointRouteBuilder app)
    {
        var members = app.MapOrganizationGroup("/{org}/members", "Members");
        members.MapGet("", List).RequireRole(OrgRole.Viewer).WithName("ListMembers").WithSummary("The organization's members and roles.");
        members.MapPost("", Add).RequireRole(OrgRole.Admin).Validate<AddMemberRequest>()
            .WithName("AddMember").WithSummary("Adds an existing user (admin; owner to add an owner).")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        members.MapPatch("/{userId}", ChangeRole).RequireRole(OrgRole.Admin).Validate<ChangeRoleRequest>()
            .WithName("ChangeMemberRole").WithSummary("Changes a member's role (admin; owner for owners); the last owner can't be demoted.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        members.MapDelete("/{userId}", Remove).RequireRole(OrgRole.Viewer)
            .WithName("RemoveMember").WithSummary("Removes a member (admin), or the caller leaves; the last owner can't leave.")
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Ok<ListPage<MemberResponse>>> List(string org, IGrainFactory grains)
    {
        var members = await grains.GetGrain<IOrganizationGrain>(org).GetMembers();
        return TypedResults.Ok(ListPage.Whole(members.Select(MemberResponse.From)));
    }

    public static async Task<Results<Created<MemberResponse>, ProblemHttpResult>> Add(
        string org, AddMemberRequest request, ClaimsPrincipal caller, IGrainFactory grains, OrgAccess access)
    {
        var userId = await grains.GetGrain<IEmailIndexGrain>(EmailAddress.Normalize(request.Email!)).GetUserId();
        if (userId is null || await grains.GetGrain<IUserGrain>(userId).GetProfile() is not { } user)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "No account has this email.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["email"] = ["No account has this email; the person must register first."] } });
        }
        MemberChange change;
        try
        {
            change = await grains.GetGrain<IOrganizationGrain>(org).AddMember(caller.UserId()!, new NewMember(user.Id, user.Email, user.Name, request.Role!.Value));
        }
        finally
        {
            // Even after a failure: the change may have been made.
            access.MembershipChanged(org);
        }
        return change.Member is { } added
            ? TypedResults.Created($"/api/v1/orgs/{org}/members/{added.UserId}", MemberResponse.From(added))
            : Problem(change.Status);
    }

    public static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> ChangeRole(
        string org, string userId, ChangeRoleRequest request, ClaimsPrincipal caller, IGrainFactory grains, OrgAccess access)
    {
        MemberChange change;
        try
        {
            change = await grains.GetGrain<IOrganizationGrain>(org).ChangeRole(caller.UserId()!, userId, request.Role!.Value);
        }
        finally
        {
            // Even after a failure: the change may have been made.
            access.MembershipChanged(org);
        }
        return change.Member is { } changed ? TypedResults.Ok(MemberResponse.From(changed)) : Problem(change.Status);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Remove(string org, string userId, ClaimsPrincipal caller, IGrainFactory grains, OrgAccess access)
    {
        // Leaving is open to every member (RequireRole: viewer); removing someone else needs admin (checked again by the grain).
        if (caller.UserId() != userId && await access.DenyUnlessAsync(caller, org, OrgRole.Admin) is ProblemHttpResult denied)
        {
            return denied;
        }
        MemberChange change;
        try
        {
            change = await grains.GetGrain<IOrganizationGrain>(org).RemoveMember(caller.UserId()!, userId);
        }
        finally
        {
            // Even after a failure: the change may have been made.
            access.MembershipChanged(org);
        }
        return change.Status == MemberChangeStatus.Done ? TypedResults.NoContent() : Problem(change.Status);
    }

    private static ProblemHttpResult Problem(MemberChangeStatus status) => status switch
    {
        MemberChangeStatus.NoOrganization => ApiProblems.NotFound("The organization"),
        MemberChangeStatus.NotMember => ApiProblems.NotFound("The member"),
        MemberChangeStatus.AlreadyMember => ApiProblems.Conflict("The user is already a member."),
        MemberChangeStatus.LastOwner => ApiProblems.Conflict("The organization must keep at least one owner.", "Make another member owner first."),
        _ => ApiProblems.Forbidden("Only owners can grant, change or remove the owner role."),
    };
}
