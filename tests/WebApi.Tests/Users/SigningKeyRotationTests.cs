using System.Net;
using System.Security.Cryptography;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Users;

/// <summary>
/// Signing keys rotate: a silo signing with a new key still accepts access tokens signed with a key listed in
/// <c>Granary:Auth:PreviousSigningKeys</c>, and no longer once it is dropped. The silos run one after the other on
/// one SQLite file, as a deployment restarts onto new settings.
/// </summary>
public sealed class SigningKeyRotationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("granary-rotation-").FullName;
    private readonly string _oldKey = NewKey();
    private readonly string _newKey = NewKey();

    [Fact]
    public async Task TokensOfThePreviousKey_AreAcceptedWhileItIsListed_AndRefusedOnceItIsDropped()
    {
        string token;
        using (var before = Silo(new() { ["Granary:Auth:SigningKey"] = _oldKey }))
        {
            token = (await before.RegisterAndLoginAsync()).AccessToken;
        }

        using (var during = Silo(new() { ["Granary:Auth:SigningKey"] = _newKey, ["Granary:Auth:PreviousSigningKeys:0"] = _oldKey }))
        {
            Assert.Equal(HttpStatusCode.OK, (await during.ClientWith(token).GetAsync("/auth/me")).StatusCode);
            var fresh = await during.RegisterAndLoginAsync();
            Assert.Equal(HttpStatusCode.OK, (await during.ClientWith(fresh.AccessToken).GetAsync("/auth/me")).StatusCode);
        }

        using var after = Silo(new() { ["Granary:Auth:SigningKey"] = _newKey });
        await (await after.ClientWith(token).GetAsync("/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private ApiFactory Silo(Dictionary<string, string> settings)
    {
        settings["Granary:Storage:Sqlite:Path"] = Path.Combine(_folder, "granary.db");
        return new ApiFactory(ApiStorage.Sqlite, settings);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
