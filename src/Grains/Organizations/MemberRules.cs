namespace Granary.Grains.Organizations;

/// <summary>
/// Who may change whom, without a silo: admins manage members below owner; only owners grant, change or remove the
/// owner role; anyone may leave; an organization always keeps one owner.
/// </summary>
public static class MemberRules
{
    public static MemberChangeStatus CanAdd(OrgRole? actor, OrgRole role) =>
        actor is null || actor < OrgRole.Admin || (role == OrgRole.Owner && actor != OrgRole.Owner)
            ? MemberChangeStatus.Forbidden
            : MemberChangeStatus.Done;

    public static MemberChangeStatus CanChange(OrgRole? actor, OrgRole current, OrgRole next, int owners)
    {
        if (actor is null || actor < OrgRole.Admin || ((current == OrgRole.Owner || next == OrgRole.Owner) && actor != OrgRole.Owner))
        {
            return MemberChangeStatus.Forbidden;
        }
        return current == OrgRole.Owner && next != OrgRole.Owner && owners <= 1 ? MemberChangeStatus.LastOwner : MemberChangeStatus.Done;
    }

    public static MemberChangeStatus CanRemove(OrgRole? actor, bool self, OrgRole current, int owners)
    {
        if (!self && (actor is null || actor < OrgRole.Admin || (current == OrgRole.Owner && actor != OrgRole.Owner)))
        {
            return MemberChangeStatus.Forbidden;
        }
        return current == OrgRole.Owner && owners <= 1 ? MemberChangeStatus.LastOwner : MemberChangeStatus.Done;
    }
}
