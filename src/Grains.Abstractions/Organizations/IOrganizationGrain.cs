namespace Granary.Grains.Organizations;

/// <summary>One organization (tenant), keyed by its id. Holds its settings and its members' roles.</summary>
[Alias("granary.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization with <paramref name="ownerUserId"/> as its owner; fails if it exists.</summary>
    Task<OrganizationInfo> Create(CreateOrganization command, string ownerUserId);

    /// <summary>The organization, or null when it doesn't exist.</summary>
    Task<OrganizationInfo?> Get();

    /// <summary>The role of <paramref name="userId"/>, or null when not a member (or no such organization).</summary>
    [ReadOnly]
    Task<OrgRole?> GetRole(string userId);

    /// <summary>Replaces the settings; null when the organization doesn't exist.</summary>
    Task<OrganizationInfo?> UpdateSettings(OrganizationSettings settings);

    /// <summary>The members, oldest first (empty when no such organization).</summary>
    [ReadOnly]
    Task<IReadOnlyList<MemberInfo>> GetMembers();

    /// <summary>Adds a member on behalf of <paramref name="actorUserId"/> (only owners grant the owner role).</summary>
    Task<MemberChange> AddMember(string actorUserId, NewMember member);

    /// <summary>Changes a member's role; the last owner can't be demoted.</summary>
    Task<MemberChange> ChangeRole(string actorUserId, string userId, OrgRole role);

    /// <summary>Removes a member (or the actor leaves); the last owner can't leave.</summary>
    Task<MemberChange> RemoveMember(string actorUserId, string userId);

    /// <summary>Records a new API key (its secret only as a hash) and registers it in the key index.</summary>
    Task<ApiKeyInfo?> CreateApiKey(NewApiKey key);

    /// <summary>The API keys, revoked ones included, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ApiKeyInfo>> GetApiKeys();

    /// <summary>Revokes a key; false when the organization has no such key.</summary>
    Task<bool> RevokeApiKey(string keyId);
}

/// <summary>Who joins, with which role; email and name are kept for member lists.</summary>
[GenerateSerializer, Immutable, Alias("granary.NewMember")]
public sealed record NewMember(string UserId, string Email, string Name, OrgRole Role);

/// <summary>A member as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("granary.MemberInfo")]
public sealed record MemberInfo(string UserId, string Email, string Name, OrgRole Role, DateTimeOffset JoinedAt);

/// <summary>The outcome of a change to the members; <see cref="Member"/> is set when it succeeded (null after a removal).</summary>
[GenerateSerializer, Immutable, Alias("granary.MemberChange")]
public sealed record MemberChange(MemberChangeStatus Status, MemberInfo? Member = null);

public enum MemberChangeStatus
{
    Done,

    /// <summary>No such organization.</summary>
    NoOrganization,

    /// <summary>The user to change is not a member.</summary>
    NotMember,

    /// <summary>The user to add is already a member.</summary>
    AlreadyMember,

    /// <summary>The actor's role doesn't allow it (owners are managed only by owners).</summary>
    Forbidden,

    /// <summary>It would leave the organization without an owner.</summary>
    LastOwner,
}

/// <summary>A new API key: its id, name, scopes, the SHA-256 hash (hex) of its secret and a short prefix to recognise it by.</summary>
[GenerateSerializer, Immutable, Alias("granary.NewApiKey")]
public sealed record NewApiKey(string Id, string Name, IReadOnlyList<string> Scopes, string SecretHash, string Prefix);

/// <summary>An API key as lists show it (never its secret).</summary>
[GenerateSerializer, Immutable, Alias("granary.ApiKeyInfo")]
public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>What creating an organization takes.</summary>
[GenerateSerializer, Immutable, Alias("granary.CreateOrganization")]
public sealed record CreateOrganization(string Name, string Slug);

/// <summary>An organization as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("granary.OrganizationInfo")]
public sealed record OrganizationInfo(string Id, string Name, string Slug, OrganizationSettings Settings, DateTimeOffset CreatedAt);

/// <summary>Settings that change how the organization's orders and jobs behave.</summary>
/// <param name="AutoCancelMinutes">Pending orders are cancelled after this many minutes.</param>
/// <param name="DailySummary">Whether owners get a daily summary email.</param>
/// <param name="TimeZone">IANA time zone for the daily summary.</param>
/// <param name="DailySummaryHour">The local hour (0–23) at which the daily summary is sent.</param>
[GenerateSerializer, Immutable, Alias("granary.OrganizationSettings")]
public sealed record OrganizationSettings(int AutoCancelMinutes = 60, bool DailySummary = true, string TimeZone = "UTC", int DailySummaryHour = 7);
