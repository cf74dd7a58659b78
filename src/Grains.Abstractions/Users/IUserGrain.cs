using Granary.Grains.Scheduling;

namespace Granary.Grains.Users;

/// <summary>One user account, keyed by the user id (a Guid in "N" format).</summary>
[Alias("granary.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey, IRestoresReminders
{
    /// <summary>Creates the account; false when it already exists.</summary>
    Task<bool> Create(NewUser user);

    /// <summary>The profile, or null when no such user.</summary>
    [ReadOnly]
    Task<UserProfile?> GetProfile();

    /// <summary>The stored password hash, or null when no such user.</summary>
    [ReadOnly]
    Task<string?> GetPasswordHash();

    /// <summary>Remembers that the user belongs to an organization (the organization grain holds the role).</summary>
    Task AddOrganization(string organizationId);

    /// <summary>Forgets an organization the user left.</summary>
    Task RemoveOrganization(string organizationId);

    /// <summary>Ids of the organizations the user belongs to, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> GetOrganizations();
}

/// <summary>What creating an account takes; the password is already hashed.</summary>
[GenerateSerializer, Immutable, Alias("granary.NewUser")]
public sealed record NewUser(string Email, string Name, string PasswordHash);

/// <summary>A user as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("granary.UserProfile")]
public sealed record UserProfile(string Id, string Email, string Name, DateTimeOffset CreatedAt);
