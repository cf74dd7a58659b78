using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Granary.Hosting.Tests;

/// <summary>The dashboard's Basic handler on its own, where the caller's address can be anything.</summary>
public sealed class DashboardAuthenticationHandlerTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.1.2.3", false)]
    public async Task WithoutCredential_InDevelopment_OnlyLoopbackIsTheLocalUser(string address, bool succeeds)
    {
        var context = Context(Environments.Development, username: null, password: null, address);

        var result = await context.AuthenticateAsync(DashboardAuthentication.Scheme);

        Assert.Equal(succeeds, result.Succeeded);
    }

    [Fact]
    public async Task WithoutCredential_Challenge_Answers404WithoutPrompt()
    {
        var context = Context(Environments.Development, username: null, password: null, "10.1.2.3");

        await context.ChallengeAsync(DashboardAuthentication.Scheme);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("WWW-Authenticate"));
    }

    [Fact]
    public async Task WithCredential_LoopbackWithoutHeader_IsNotEnough()
    {
        var context = Context(Environments.Development, "ops", "secret", "127.0.0.1");

        var result = await context.AuthenticateAsync(DashboardAuthentication.Scheme);

        Assert.False(result.Succeeded);
    }

    [Theory]
    [InlineData("Basic", "ops:secret", true)]
    [InlineData("basic", "ops:secret", true)]
    [InlineData("Basic", "ops:secreT", false)]
    [InlineData("Basic", "ops:secret:", false)]
    [InlineData("Basic", "ops", false)]
    [InlineData("Bearer", "ops:secret", false)]
    public async Task WithCredential_OnlyTheExactPairAuthenticates(string scheme, string pair, bool succeeds)
    {
        var context = Context(Environments.Production, "ops", "secret", "10.1.2.3");
        context.Request.Headers.Authorization = $"{scheme} {Convert.ToBase64String(Encoding.UTF8.GetBytes(pair))}";

        var result = await context.AuthenticateAsync(DashboardAuthentication.Scheme);

        Assert.Equal(succeeds, result.Succeeded);
        if (succeeds)
        {
            Assert.Equal("ops", result.Principal!.Identity!.Name);
        }
    }

    [Fact]
    public async Task WithCredential_MalformedBase64_FailsInsteadOfThrowing()
    {
        var context = Context(Environments.Production, "ops", "secret", "10.1.2.3");
        context.Request.Headers.Authorization = "Basic not*base64";

        var result = await context.AuthenticateAsync(DashboardAuthentication.Scheme);

        Assert.False(result.Succeeded);
        Assert.Equal("Malformed Basic credential.", result.Failure?.Message);
    }

    [Fact]
    public async Task TheDashboardScheme_IsNoDefault_SoRequestsElsewhereDontRunIt()
    {
        // ASP.NET Core would make a lone scheme the default and authenticate every API request with it.
        var context = Context(Environments.Production, "ops", "secret", "10.1.2.3");
        context.Request.Headers.Authorization = $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:secret"))}";
        var schemes = context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.Null(await schemes.GetDefaultChallengeSchemeAsync());
        Assert.True((await context.AuthenticateAsync(DashboardAuthentication.Scheme)).Succeeded);
    }

    private static DefaultHttpContext Context(string environment, string? username, string? password, string address)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment });
        services.AddOptions<GranaryDashboardOptions>().Configure(o => (o.Username, o.Password) = (username, password));
        services.AddGranaryDashboardAuthentication();
        var context = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }
}
