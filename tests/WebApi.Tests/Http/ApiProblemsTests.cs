using System.Net;
using Granary.WebApi.Http;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Granary.WebApi.Tests.Http;

/// <summary>
/// What the API answers when an Orleans grain call fails on its own account, not the domain's: the exception handler
/// alone, behind endpoints that throw what Orleans throws (no silo can be made to time out or lose a race on demand).
/// </summary>
public sealed class ApiProblemsTests
{
    [Theory]
    [InlineData("timeout", HttpStatusCode.ServiceUnavailable, "The request took too long; retry it.")]
    [InlineData("silo-unavailable", HttpStatusCode.ServiceUnavailable, "The service is moving work between servers; retry it.")]
    [InlineData("inconsistent-state", HttpStatusCode.Conflict, "The resource changed while the request ran; retry it.")]
    [InlineData("other", HttpStatusCode.InternalServerError, "An unexpected error occurred.")]
    public async Task GrainCallFailure_IsAProblem_WithItsStatusAndTitle(string failure, HttpStatusCode status, string title)
    {
        await using var app = await StartAsync();

        var response = await app.GetTestClient().GetAsync("/fail/" + failure);

        var problem = await response.AssertProblemAsync(status);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(problem.TryGetProperty("detail", out _), "the problem carries no internals");
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiProblems();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapGet("/fail/{failure}", string (string failure) => throw failure switch
        {
            // As Orleans reports a call whose ResponseTimeout passed.
            "timeout" => new TimeoutException("Response did not arrive on time in 00:00:30 for message: …"),
            "silo-unavailable" => new SiloUnavailableException("The target silo became unavailable for message: …"),
            "inconsistent-state" => new InconsistentStateException("Version conflict (WriteState): ServiceId=granary …"),
            _ => new InvalidOperationException("Something internal."),
        });
        await app.StartAsync();
        return app;
    }
}
