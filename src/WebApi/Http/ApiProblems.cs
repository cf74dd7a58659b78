using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Orleans.Storage;

namespace Granary.WebApi.Http;

/// <summary>
/// Every error is an RFC 9457 problem document. Bad JSON (malformed, wrong types, unknown or missing fields) and
/// unreadable parameters are a 400 naming the field in the API's words (<see cref="BadRequestWording"/>); Orleans's failures of a grain call map to 409 (a state write lost its etag race) or 503
/// (the call's deadline passed, or its silo left the cluster: retrying is the cure), and so does a database that
/// can't be reached or is shutting down (a transient <see cref="DbException"/> anywhere in the chain: grain storage
/// wraps it, the read model's queries throw it as is). Every 503 says when to retry (Retry-After, seconds). Anything
/// else is a 500 without internals. Domain exceptions arrive as the types the grain threw and are answered by the
/// endpoints themselves.
/// </summary>
internal static class ApiProblems
{
    public static IServiceCollection AddApiProblems(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
        }).AddExceptionHandler<ApiExceptionHandler>();

    /// <summary>A 400 with one error per field, as validation filters answer.</summary>
    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.");

    /// <summary>A 400 naming one field.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>404 without saying whether the resource exists in another organization.</summary>
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} was not found.");

    public static ProblemHttpResult Forbidden(string why) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your role does not allow this.", detail: why);

    public static ProblemHttpResult Conflict(string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, extensions: extensions);

    /// <summary>Turns exceptions into problem documents.</summary>
    private sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, title, detail, errors) = BadRequestWording.Describe(context, exception) is { } fields
                ? (StatusCodes.Status400BadRequest, BadRequestWording.Title, null, fields)
                : Describe(exception);
            if (status >= 500)
            {
                logger.LogError(exception, "Request failed with {Status}", status);
            }
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = DatabaseUnavailable(exception) ? DatabaseRetryAfter : RetryAfter;
            }
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
            if (errors is not null)
            {
                problem.Extensions["errors"] = errors;
            }
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
        }

        private static (int Status, string Title, string? Detail, Dictionary<string, string[]>? Errors) Describe(Exception exception) => exception switch
        {
            // Bodies and parameters refused field by field are BadRequestWording's; what's left says no more than its status.
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => (413, "The request body is too large.", null, null),
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType =>
                (415, "The request body must be JSON (Content-Type: application/json).", null, null),
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid.", null, null),
            InconsistentStateException => (409, "The resource changed while the request ran; retry it.", null, null),
            // Orleans reports a grain call past its ResponseTimeout as a plain TimeoutException.
            TimeoutException => (503, "The request took too long; retry it.", null, null),
            OrleansMessageRejectionException => (503, "The service is moving work between servers; retry it.", null, null),
            _ when DatabaseUnavailable(exception) => (503, "A store the service needs (database or Redis) is unavailable; retry it.", null, null),
            _ => (500, "An unexpected error occurred.", null, null),
        };

        /// <summary>Seconds a client waits before retrying a call the cluster rejected or timed out (it moves work within a second or two).</summary>
        private const string RetryAfter = "1";

        /// <summary>Seconds before retrying while the database is away (a restart or fail-over takes seconds).</summary>
        private const string DatabaseRetryAfter = "5";

        /// <summary>Whether a connection failure or a server shutting down (Npgsql's transient errors, Redis unreachable) caused the failure.</summary>
        private static bool DatabaseUnavailable(Exception? exception)
        {
            for (var depth = 0; exception is not null && depth < 10; exception = exception.InnerException, depth++)
            {
                if (exception is DbException { IsTransient: true } || IsTransientFromAnotherSilo(exception) || IsRedisUnreachable(exception))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// Redis (membership, reminders) not reachable or not answering in time: StackExchange.Redis's connection errors,
        /// as they are or as Orleans's Redis reminder table reports them (a RedisRemindersException whose message starts
        /// with the original exception's type; it keeps no inner exception).
        /// </summary>
        private static bool IsRedisUnreachable(Exception exception) =>
            exception.GetType().FullName switch
            {
                RedisConnectionError or RedisTimeoutError => true,
                "Orleans.Reminders.Redis.RedisRemindersException" =>
                    exception.Message.StartsWith(RedisConnectionError, StringComparison.Ordinal) || exception.Message.StartsWith(RedisTimeoutError, StringComparison.Ordinal),
                _ => false,
            };

        private const string RedisConnectionError = "StackExchange.Redis.RedisConnectionException";

        private const string RedisTimeoutError = "StackExchange.Redis.RedisTimeoutException";

        /// <summary>
        /// A PostgreSQL error raised on another silo arrives with its message, inner exception and Data but not its
        /// fields (Orleans's exception codec), so its IsTransient can't tell; its SQLSTATE is in Data, and Npgsql
        /// classifies that.
        /// </summary>
        private static bool IsTransientFromAnotherSilo(Exception exception) =>
            exception is PostgresException && exception.Data["SqlState"] is string sqlState && new PostgresException("", "", "", sqlState).IsTransient;
    }
}
