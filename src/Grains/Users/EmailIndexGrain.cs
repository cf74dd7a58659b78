using Granary.Grains.Indexes;

namespace Granary.Grains.Users;

/// <summary>The stored owner of one normalised email.</summary>
[GenerateSerializer, Alias("granary.state.EmailIndexState")]
public sealed class EmailIndexState
{
    [Id(0)]
    public string? UserId { get; set; }

    /// <summary>When the owner claimed it (rows from before this field read as long ago).</summary>
    [Id(1)]
    public DateTimeOffset ClaimedAt { get; set; }
}

[GrainType("emailindex")]
public sealed class EmailIndexGrain([PersistentState("email")] IPersistentState<EmailIndexState> index, TimeProvider time) : Grain, IEmailIndexGrain
{
    public async Task<bool> Claim(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var decision = await UniqueClaim.DecideAsync(index.State.UserId, index.State.ClaimedAt, userId, time.GetUtcNow(),
            async owner => await GrainFactory.GetGrain<IUserGrain>(owner).GetProfile() is not null);
        if (decision != ClaimDecision.Take)
        {
            return decision == ClaimDecision.AlreadyHeld;
        }
        index.State.UserId = userId;
        index.State.ClaimedAt = time.GetUtcNow();
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
