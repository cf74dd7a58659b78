using Granary.Grains.Indexes;

namespace Granary.Grains.Organizations;

/// <summary>The stored owner of one slug.</summary>
[GenerateSerializer, Alias("granary.state.SlugIndexState")]
public sealed class SlugIndexState
{
    [Id(0)]
    public string? OrganizationId { get; set; }

    /// <summary>When the owner claimed it (rows from before this field read as long ago).</summary>
    [Id(1)]
    public DateTimeOffset ClaimedAt { get; set; }
}

[GrainType("slugindex")]
public sealed class SlugIndexGrain([PersistentState("slug")] IPersistentState<SlugIndexState> index, TimeProvider time) : Grain, ISlugIndexGrain
{
    public async Task<bool> Claim(string organizationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        var decision = await UniqueClaim.DecideAsync(index.State.OrganizationId, index.State.ClaimedAt, organizationId, time.GetUtcNow(),
            async owner => await GrainFactory.GetGrain<IOrganizationGrain>(owner).Get() is not null);
        if (decision != ClaimDecision.Take)
        {
            return decision == ClaimDecision.AlreadyHeld;
        }
        index.State.OrganizationId = organizationId;
        index.State.ClaimedAt = time.GetUtcNow();
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
