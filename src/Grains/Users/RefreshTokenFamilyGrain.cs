namespace Granary.Grains.Users;

public sealed class RefreshTokenFamilyGrain([PersistentState("family")] IPersistentState<RefreshTokenFamily> family) : Grain, IRefreshTokenFamilyGrain
{
    public async Task Start(string userId, string tokenHash, DateTimeOffset expiresAt)
    {
        if (family.State.UserId.Length > 0)
        {
            throw new InvalidOperationException("This refresh-token family has already started.");
        }
        family.State = new RefreshTokenFamily { UserId = userId, CurrentHash = tokenHash, CurrentExpiresAt = expiresAt };
        await family.WriteStateAsync();
    }

    public async Task<RefreshResult> Rotate(string presentedHash, string nextHash, DateTimeOffset nextExpiresAt)
    {
        var result = family.State.Rotate(presentedHash, nextHash, nextExpiresAt, TimeProvider.GetUtcNow());
        if (result.Status is RefreshStatus.Rotated or RefreshStatus.ReuseDetected)
        {
            await family.WriteStateAsync();
        }
        return result;
    }

    public async Task<bool> Revoke(string presentedHash)
    {
        var revoked = family.State.Revoke(presentedHash);
        if (revoked)
        {
            await family.WriteStateAsync();
        }
        return revoked;
    }

    public async Task Forget(DateTimeOffset now)
    {
        if (family.RecordExists && (family.State.Revoked || now >= family.State.CurrentExpiresAt))
        {
            await family.ClearStateAsync();
        }
        DeactivateOnIdle();
    }
}
