using System.Net;
using System.Net.Sockets;
using Granary.WebApi.Http;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
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
        Assert.Equal(status == HttpStatusCode.ServiceUnavailable ? "1" : null, response.Headers.RetryAfter?.ToString());
    }

    [Theory]
    [InlineData("database-unreachable")]
    [InlineData("database-shutting-down")]
    [InlineData("database-shutting-down-on-another-silo")]
    [InlineData("redis-unreachable")]
    [InlineData("redis-reminders-unreachable")]
    public async Task DatabaseAway_Is503WithRetryAfter_NeverA500(string failure)
    {
        await using var app = await StartAsync();

        var response = await app.GetTestClient().GetAsync("/fail/" + failure);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("A store the service needs (database or Redis) is unavailable; retry it.", problem.GetProperty("title").GetString());
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task DatabaseErrorThatRetryingWontCure_StaysA500()
    {
        await using var app = await StartAsync();

        var response = await app.GetTestClient().GetAsync("/fail/database-unique-violation");

        await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        Assert.Null(response.Headers.RetryAfter);
    }

    /// <summary>The exception as a caller on another silo receives it: Orleans's codec, with Npgsql's namespace allowed as the silo allows it.</summary>
    private static Exception ThroughOrleansSerializer(Exception exception)
    {
        using var services = new ServiceCollection()
            .AddSerializer()
            .Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray(exception))!;
        Assert.IsType<PostgresException>(received.InnerException);
        return received;
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
            // As grain storage reports a read while PostgreSQL refuses connections (Orleans wraps the provider's error).
            "database-unreachable" => new OrleansException("Error from storage provider order during ReadStateAsync for grain order/…",
                new NpgsqlException("Failed to connect to 172.30.10.3:5432", new SocketException((int)SocketError.ConnectionRefused))),
            // As a read-model query fails on a pooled connection when PostgreSQL shuts down.
            "database-shutting-down" => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
            "database-shutting-down-on-another-silo" => ThroughOrleansSerializer(new OrleansException("Error from storage provider order during ReadStateAsync for grain order/…",
                new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown))),
            // As a reminder registration fails while Redis restarts.
            "redis-unreachable" => new OrleansException("Error registering reminder retry",
                new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, StackExchange.Redis.CommandFlags.None, "No connection is active/available to service this operation", null, StackExchange.Redis.CommandStatus.Unknown)),
            // As Orleans's Redis reminder table reports it: the original exception's type and message, no inner exception.
            "redis-reminders-unreachable" => new Orleans.Reminders.Redis.RedisRemindersException(
                "StackExchange.Redis.RedisConnectionException: No connection is active/available to service this operation: EVAL"),
            "database-unique-violation" => new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
            _ => new InvalidOperationException("Something internal."),
        });
        await app.StartAsync();
        return app;
    }
}
