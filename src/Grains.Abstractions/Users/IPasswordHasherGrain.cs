namespace Granary.Grains.Users;

/// <summary>Hashes and checks passwords (ASP.NET Core Identity's PasswordHasher); a stateless worker, as it is CPU work.</summary>
[Alias("granary.IPasswordHasherGrain")]
public interface IPasswordHasherGrain : IGrainWithIntegerKey
{
    Task<string> Hash(string password);

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>. A null hash still costs one check, so unknown accounts answer as slowly as known ones.</summary>
    Task<bool> Verify(string? hash, string password);
}
