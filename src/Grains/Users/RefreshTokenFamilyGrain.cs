using Granary.ReadModel;

namespace Granary.Grains.Users;

/// <summary>
/// One refresh-token family (see <see cref="RefreshTokenFamily"/>). Its row in the read model tells the clean-up
/// sweep when the family expires or was revoked; it is kept as <see cref="ReadModelGrain"/> says.
/// </summary>
[GrainType("refreshtokenfamily")]
public sealed class RefreshTokenFamilyGrain(
    [PersistentState("family")] IPersistentState<RefreshTokenFamily> family,
    IReadModelWriter views,
    TimeProvider time) : ReadModelGrain, IRefreshTokenFamilyGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (family.RecordExists)
        {
            await views.WriteRefreshFamilyAsync(this.GetPrimaryKeyString(), family.State.Revoked, family.State.CurrentExpiresAt, family.State.Revision, cancellationToken);
        }
    }

    public async Task Start(string userId, string tokenHash, DateTimeOffset expiresAt)
    {
        if (family.State.UserId.Length > 0)
        {
            throw new InvalidOperationException("This refresh-token family has already started.");
        }
        family.State = new RefreshTokenFamily { UserId = userId, CurrentHash = tokenHash, CurrentExpiresAt = expiresAt, Revision = family.State.Revision };
        await Store();
    }

    public async Task<RefreshResult> Rotate(string presentedHash, string nextHash, DateTimeOffset nextExpiresAt)
    {
        var result = family.State.Rotate(presentedHash, nextHash, nextExpiresAt, time.GetUtcNow());
        if (result.Status is RefreshStatus.Rotated or RefreshStatus.ReuseDetected)
        {
            await Store();
        }
        return result;
    }

    public async Task<bool> Revoke(string presentedHash)
    {
        var revoked = family.State.Revoke(presentedHash);
        if (revoked)
        {
            await Store();
        }
        return revoked;
    }

    public async Task Forget(DateTimeOffset now)
    {
        if (family.RecordExists && (family.State.Revoked || now >= family.State.CurrentExpiresAt))
        {
            var revision = family.State.Revision;
            await family.ClearStateAsync();
            await WriteRowAsync(() => views.DeleteRefreshFamilyAsync(this.GetPrimaryKeyString(), revision));
        }
        DeactivateOnIdle();
    }

    /// <summary>Writes the family as the next revision, then its row.</summary>
    private async Task Store()
    {
        family.State.Revision++;
        await family.WriteStateAsync();
        await WriteRowAsync(() => views.WriteRefreshFamilyAsync(this.GetPrimaryKeyString(), family.State.Revoked, family.State.CurrentExpiresAt, family.State.Revision));
    }
}
