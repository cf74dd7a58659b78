namespace Granary.Grains.Users;

/// <summary>
/// Email uniqueness: one grain per normalised email (<see cref="EmailAddress.Normalize"/>). The grain runs one call at
/// a time, so of any number of racing claims exactly one wins. A claim whose account was never created (the creation
/// failed, or the silo stopped in between) is released by <see cref="Release"/> or, after a minute, taken over by the
/// next claim, so a failed registration doesn't keep the email taken.
/// </summary>
[Alias("granary.IEmailIndexGrain")]
public interface IEmailIndexGrain : IGrainWithStringKey
{
    /// <summary>Claims the email for <paramref name="userId"/>; true when it now belongs to that user (also on a repeat).</summary>
    Task<bool> Claim(string userId);

    /// <summary>Gives the email up when <paramref name="userId"/> holds it (its account could not be created).</summary>
    Task Release(string userId);

    /// <summary>The user holding the email, or null.</summary>
    [ReadOnly]
    Task<string?> GetUserId();
}

/// <summary>How emails are compared: trimmed and lower-cased (invariant).</summary>
public static class EmailAddress
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
