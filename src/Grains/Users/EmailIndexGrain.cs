using Granary.Grains.Indexes;

namespace Granary.Grains.Users;

/// <summary>The stored owner of one normalised email.</summary>
public sealed class EmailIndexState
{
    public string? UserId { get; set; }

    /// <summary>When the owner claimed it (rows from before this field read as long ago).</summary>
    public DateTimeOffset ClaimedAt { get; set; }
}

public sealed class EmailIndexGrain([PersistentState("email")] IPersistentState<EmailIndexState> index) : Grain, IEmailIndexGrain
{
    public async Task<bool> Claim(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var decision = await UniqueClaim.DecideAsync(index.State.UserId, index.State.ClaimedAt, userId, TimeProvider.GetUtcNow(),
            async owner => await GrainFactory.GetGrain<IUserGrain>(owner).GetProfile() is not null);
        if (decision != ClaimDecision.Take)
        {
            return decision == ClaimDecision.AlreadyHeld;
        }
        index.State.UserId = userId;
        index.State.ClaimedAt = TimeProvider.GetUtcNow();
        await index.WriteStateAsync();
        return true;
    }

    public async Task Release(string userId)
    {
        if (index.State.UserId == userId)
        {
            await index.ClearStateAsync();
            index.State = new EmailIndexState();
        }
    }

    public Task<string?> GetUserId() => Task.FromResult(index.State.UserId);
}
