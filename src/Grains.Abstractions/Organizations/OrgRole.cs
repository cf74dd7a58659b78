namespace Granary.Grains.Organizations;

/// <summary>A member's role in an organization; a higher value includes every right of the lower ones.</summary>
public enum OrgRole
{
    /// <summary>Reads everything, changes nothing.</summary>
    Viewer = 0,

    /// <summary>Works with orders, inventory and channels.</summary>
    Member = 1,

    /// <summary>Also manages members (below owner), API keys, webhooks and settings.</summary>
    Admin = 2,

    /// <summary>Everything, including owners; an organization always keeps one.</summary>
    Owner = 3,
}
