using Granary.Grains.Indexes;

namespace Granary.Grains.Organizations;

/// <summary>The stored owner of one slug.</summary>
public sealed class SlugIndexState
{
    public string? OrganizationId { get; set; }

    /// <summary>When the owner claimed it (rows from before this field read as long ago).</summary>
    public DateTimeOffset ClaimedAt { get; set; }
}

public sealed class SlugIndexGrain([PersistentState("slug")] IPersistentState<SlugIndexState> index) : Grain, ISlugIndexGrain
{
    public async Task<bool> Claim(string organizationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        var decision = await UniqueClaim.DecideAsync(index.State.OrganizationId, index.State.ClaimedAt, organizationId, TimeProvider.GetUtcNow(),
            async owner => await GrainFactory.GetGrain<IOrganizationGrain>(owner).Get() is not null);
        if (decision != ClaimDecision.Take)
        {
            return decision == ClaimDecision.AlreadyHeld;
        }
        index.State.OrganizationId = organizationId;
        index.State.ClaimedAt = TimeProvider.GetUtcNow();
        await index.WriteStateAsync();
        return true;
    }

    public async Task Release(string organizationId)
    {
        if (index.State.OrganizationId == organizationId)
        {
            await index.ClearStateAsync();
            index.State = new SlugIndexState();
        }
    }

    public Task<string?> GetOrganizationId() => Task.FromResult(index.State.OrganizationId);
}
