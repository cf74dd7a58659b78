using System.Security.Claims;
using Granary.WebApi.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Granary.WebApi.Tests.Auth;

public sealed class CachingTokenHandlerTests
{
    private static TokenService Tokens(string key) => new(
        new SigningKeyProvider(Options.Create(new AuthOptions { SigningKey = key }), new FakeEnvironment()),
        Options.Create(new AuthOptions { SigningKey = key }),
        TimeProvider.System);

    private static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task ValidToken_IsAcceptedAgainFromTheCache_WithItsClaims()
    {
        var tokens = Tokens(NewKey());
        var handler = new CachingTokenHandler(TimeProvider.System);
        var token = tokens.Issue("user-1", "a@example.com").Token;

        var first = await handler.ValidateTokenAsync(token, tokens.ValidationParameters());
        var second = await handler.ValidateTokenAsync(token, tokens.ValidationParameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task TamperedOrForeignToken_IsRefused_EvenAfterAValidOneWasCached()
    {
        var tokens = Tokens(NewKey());
        var handler = new CachingTokenHandler(TimeProvider.System);
        var token = tokens.Issue("user-1", "a@example.com").Token;
        await handler.ValidateTokenAsync(token, tokens.ValidationParameters());

        var tampered = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");
        var foreign = Tokens(NewKey()).Issue("user-1", "a@example.com").Token;

        Assert.False((await handler.ValidateTokenAsync(tampered, tokens.ValidationParameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(foreign, tokens.ValidationParameters())).IsValid);
    }

    private sealed class FakeEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
