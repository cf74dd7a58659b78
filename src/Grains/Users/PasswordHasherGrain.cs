using Microsoft.AspNetCore.Identity;

namespace Granary.Grains.Users;

/// <summary>PBKDF2 through Identity's <see cref="PasswordHasher{TUser}"/> (its default V3 format); local to each silo.</summary>
[StatelessWorker]
public sealed class PasswordHasherGrain : Grain, IPasswordHasherGrain
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Checked when the account doesn't exist, so that a login to an unknown email takes as long as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword("", Guid.NewGuid().ToString("N")));

    public Task<string> Hash(string password) => Task.FromResult(Hasher.HashPassword("", password));

    public Task<bool> Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword("", hash ?? DecoyHash.Value, password);
        return Task.FromResult(hash is not null && result != PasswordVerificationResult.Failed);
    }
}
