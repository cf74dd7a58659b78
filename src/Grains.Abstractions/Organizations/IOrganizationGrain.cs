namespace Granary.Grains.Organizations;

/// <summary>One organization (tenant), keyed by its id. Holds its settings and its members' roles.</summary>
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization with <paramref name="ownerUserId"/> as its owner; fails if it exists.</summary>
    Task<OrganizationInfo> Create(CreateOrganization command, string ownerUserId);

    /// <summary>The organization, or null when it doesn't exist.</summary>
    Task<OrganizationInfo?> Get();

    /// <summary>The role of <paramref name="userId"/>, or null when not a member (or no such organization).</summary>
    [ReadOnly]
    Task<OrgRole?> GetRole(string userId);
}

/// <summary>What creating an organization takes.</summary>
public sealed record CreateOrganization(string Name, string Slug);

/// <summary>An organization as the API shows it.</summary>
public sealed record OrganizationInfo(string Id, string Name, string Slug, OrganizationSettings Settings, DateTimeOffset CreatedAt);

/// <summary>Settings that change how the organization's orders and jobs behave.</summary>
/// <param name="AutoCancelMinutes">Pending orders are cancelled after this many minutes.</param>
/// <param name="DailySummary">Whether owners get a daily summary email.</param>
/// <param name="TimeZone">IANA time zone for the daily summary.</param>
public sealed record OrganizationSettings(int AutoCancelMinutes = 60, bool DailySummary = true, string TimeZone = "UTC");
