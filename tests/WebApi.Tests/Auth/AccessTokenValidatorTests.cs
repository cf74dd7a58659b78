using System.Security.Claims;
using Granary.WebApi.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Granary.WebApi.Tests.Auth;

public sealed class AccessTokenValidatorTests
{
    private static TokenService Tokens(string key, TimeProvider? time = null) => new(
        new SigningKeyProvider(Options.Create(new AuthOptions { SigningKey = key }), new FakeEnvironment()),
        Options.Create(new AuthOptions { SigningKey = key }),
        time ?? TimeProvider.System);

    private static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task ValidToken_IsAcceptedAgainFromTheCache_WithItsClaims()
    {
        var tokens = Tokens(NewKey());
        var validator = new AccessTokenValidator(tokens, TimeProvider.System);
        var token = tokens.Issue("user-1", "a@example.com").Token;

        var first = await validator.ValidateAsync(token);
        var second = await validator.ValidateAsync(token);

        Assert.NotNull(first.Caller);
        Assert.NotNull(second.Caller);
        Assert.Equal("user-1", second.Caller.FindFirst(JwtRegisteredClaimNames.Sub)?.Value);
        Assert.Equal("user-1", second.Caller.Identity?.Name);
        Assert.Equal("user-1", second.Caller.UserId);
        Assert.Null(second.Caller.ApiKeyOrganization);
        Assert.True(second.Caller.Identity?.IsAuthenticated);
        Assert.Same(first.Caller, second.Caller);
        Assert.True(validator.TryGetValidated(token.AsSpan(), out var known));
        Assert.Same(first.Caller, known);
    }

    [Fact]
    public async Task TamperedOrForeignToken_IsRefused_EvenAfterAValidOneWasCached()
    {
        var tokens = Tokens(NewKey());
        var validator = new AccessTokenValidator(tokens, TimeProvider.System);
        var token = tokens.Issue("user-1", "a@example.com").Token;
        await validator.ValidateAsync(token);

        var tampered = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");
        var foreign = Tokens(NewKey()).Issue("user-1", "a@example.com").Token;

        Assert.Null((await validator.ValidateAsync(tampered)).Caller);
        Assert.Null((await validator.ValidateAsync(foreign)).Caller);
        Assert.False(validator.TryGetValidated(tampered.AsSpan(), out _));
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_WithAMessageSayingSo()
    {
        var key = NewKey();
        var issuedAnHourAgo = Tokens(key, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)))
            .Issue("user-1", "a@example.com").Token;

        var (caller, error) = await new AccessTokenValidator(Tokens(key), TimeProvider.System).ValidateAsync(issuedAnHourAgo);

        Assert.Null(caller);
        Assert.Equal("The access token has expired.", error);
    }

    private sealed class FakeEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
