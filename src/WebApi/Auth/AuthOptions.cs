namespace Granary.WebApi.Auth;

/// <summary>Token settings (configuration section <c>Granary:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>Base64 HMAC-SHA256 key (32+ bytes) signing access tokens; required in Production. In Development a key is generated once under <see cref="DevelopmentKeyPath"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys that signed access tokens before <see cref="SigningKey"/> did (base64, 32+ bytes each): tokens they signed
    /// are still accepted, never issued. After a rotation keep the old key here for one
    /// <see cref="AccessTokenLifetime"/>, so that tokens issued just before the switch live out their time, then drop it.
    /// </summary>
    public string[] PreviousSigningKeys { get; set; } = [];

    /// <summary>Where the generated development key is kept (never in the repository).</summary>
    public string DevelopmentKeyPath { get; set; } = "data/dev-signing-key";

    /// <summary>The issuer and audience of access tokens.</summary>
    public string Issuer { get; set; } = "granary";

    /// <summary>How long an access token is valid.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token is valid.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}
