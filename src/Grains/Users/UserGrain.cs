namespace Granary.Grains.Users;

/// <summary>The stored shape of an account.</summary>
public sealed class UserState
{
    public string? Email { get; set; }

    public string Name { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Organizations the user joined; the organization grains hold the roles.</summary>
    public List<string> Organizations { get; set; } = [];
}

public sealed class UserGrain([PersistentState("user")] IPersistentState<UserState> user) : Grain, IUserGrain
{
    private bool Exists => user.State.Email is not null;

    public async Task<bool> Create(NewUser command)
    {
        if (Exists)
        {
            return false;
        }
        user.State = new UserState
        {
            Email = command.Email,
            Name = command.Name,
            PasswordHash = command.PasswordHash,
            CreatedAt = TimeProvider.GetUtcNow(),
        };
        await user.WriteStateAsync();
        return true;
    }

    public Task<UserProfile?> GetProfile() => Task.FromResult(
        Exists ? new UserProfile(GetPrimaryKeyString(), user.State.Email!, user.State.Name, user.State.CreatedAt) : null);

    public Task<string?> GetPasswordHash() => Task.FromResult(Exists ? user.State.PasswordHash : null);

    public async Task AddOrganization(string organizationId)
    {
        if (Exists && !user.State.Organizations.Contains(organizationId))
        {
            user.State.Organizations.Add(organizationId);
            await user.WriteStateAsync();
        }
    }

    public async Task RemoveOrganization(string organizationId)
    {
        if (user.State.Organizations.Remove(organizationId))
        {
            await user.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetOrganizations() => Task.FromResult<IReadOnlyList<string>>([.. user.State.Organizations]);
}
