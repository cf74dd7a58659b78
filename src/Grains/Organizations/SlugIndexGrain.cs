namespace Granary.Grains.Organizations;

/// <summary>The stored owner of one slug.</summary>
public sealed class SlugIndexState
{
    public string? OrganizationId { get; set; }
}

public sealed class SlugIndexGrain([PersistentState("slug")] IPersistentState<SlugIndexState> index) : Grain, ISlugIndexGrain
{
    public async Task<bool> Claim(string organizationId)
    {
        if (index.State.OrganizationId is { } owner)
        {
            return owner == organizationId;
        }
        index.State.OrganizationId = organizationId;
        await index.WriteStateAsync();
        return true;
    }

    public Task<string?> GetOrganizationId() => Task.FromResult(index.State.OrganizationId);
}
