namespace Granary.Grains.Users;

/// <summary>The stored owner of one normalised email.</summary>
public sealed class EmailIndexState
{
    public string? UserId { get; set; }
}

public sealed class EmailIndexGrain([PersistentState("email")] IPersistentState<EmailIndexState> index) : Grain, IEmailIndexGrain
{
    public async Task<bool> Claim(string userId)
    {
        if (index.State.UserId is { } owner)
        {
            return owner == userId;
        }
        index.State.UserId = userId;
        await index.WriteStateAsync();
        return true;
    }

    public Task<string?> GetUserId() => Task.FromResult(index.State.UserId);
}
