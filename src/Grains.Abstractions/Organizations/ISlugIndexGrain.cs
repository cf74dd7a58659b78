namespace Granary.Grains.Organizations;

/// <summary>
/// Slug uniqueness: one grain per slug; claims run one at a time, so exactly one organization wins a slug. A claim
/// whose organization was never created is released by <see cref="Release"/> or, after a minute, taken over by the next
/// claim.
/// </summary>
[Alias("granary.ISlugIndexGrain")]
public interface ISlugIndexGrain : IGrainWithStringKey
{
    /// <summary>Claims the slug for <paramref name="organizationId"/>; true when it now belongs to it (also on a repeat).</summary>
    Task<bool> Claim(string organizationId);

    /// <summary>Gives the slug up when <paramref name="organizationId"/> holds it (the organization could not be created).</summary>
    Task Release(string organizationId);

    /// <summary>The organization holding the slug, or null.</summary>
    [ReadOnly]
    Task<string?> GetOrganizationId();
}
