namespace Granary.Grains.Organizations;

/// <summary>Slug uniqueness: one grain per slug; claims run one at a time, so exactly one organization wins a slug.</summary>
public interface ISlugIndexGrain : IGrainWithStringKey
{
    /// <summary>Claims the slug for <paramref name="organizationId"/>; true when it now belongs to it (also on a repeat).</summary>
    Task<bool> Claim(string organizationId);

    /// <summary>The organization holding the slug, or null.</summary>
    [ReadOnly]
    Task<string?> GetOrganizationId();
}
