using System.Globalization;
using System.Security.Claims;
using Granary.Grains.Organizations;
using Granary.Grains.Users;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;
using Granary.WebApi.Http.RateLimiting;
using Granary.WebApi.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Users;

/// <summary><c>/auth</c>: register, login, refresh, logout, me.</summary>
internal static class AuthEndpoints
{
    private const string InvalidCredentials = "Invalid email or password.";

    public static void MapAuth(IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/register", Register).Validate<RegisterRequest>().RequireRateLimit(RateLimitPolicy.PerClientAddress)
            .WithName("Register").WithSummary("Creates an account.").ProducesProblem(StatusCodes.Status409Conflict);
        auth.MapPost("/login", Login).Validate<LoginRequest>().RequireRateLimit(RateLimitPolicy.PerClientAddress)
            .WithName("Login").WithSummary("Exchanges email and password for an access token and a refresh token.").ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/refresh", Refresh).Validate<RefreshRequest>().RequireRateLimit(RateLimitPolicy.PerClientAddress)
            .WithName("Refresh").WithSummary("Rotates a refresh token: returns a new pair; reusing a rotated token revokes its whole family.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        // Logout needs no access token (it may have expired): the refresh token itself proves the session.
        auth.MapPost("/logout", Logout).Validate<RefreshRequest>().RequireRateLimit(RateLimitPolicy.PerCaller)
            .WithName("Logout").WithSummary("Revokes the refresh token's family (every token of that login).");
        auth.MapGet("/me", Me).RequireCaller().RequireRateLimit(RateLimitPolicy.PerCaller)
            .WithName("Me").WithSummary("The caller's profile with their organizations and roles.");
    }

    public static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(RegisterRequest request, IGrainFactory grains)
    {
        var email = request.Email!.Trim();
        var userId = Guid.NewGuid().ToString("N");
        var hash = await grains.GetGrain<IPasswordHasherGrain>(0).Hash(request.Password!);
        if (!await grains.GetGrain<IEmailIndexGrain>(EmailAddress.Normalize(email)).Claim(userId))
        {
            return ApiProblems.Conflict("An account with this email already exists.");
        }
        var name = request.Name!.Trim();
        try
        {
            await grains.GetGrain<IUserGrain>(userId).Create(new NewUser(email, name, hash));
        }
        catch
        {
            // Give the email back at once; should this fail too, the next claim takes the orphan over after a minute.
            await grains.GetGrain<IEmailIndexGrain>(EmailAddress.Normalize(email)).Release(userId);
            throw;
        }
        return TypedResults.Created("/auth/me", new UserResponse(userId, email, name));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request, IGrainFactory grains, SessionTokens sessions, LoginMetrics metrics, HttpContext context)
    {
        var normalized = EmailAddress.Normalize(request.Email!);
        var throttle = new LoginThrottle(grains, normalized, context.Connection.RemoteIpAddress?.ToString());
        if (await throttle.RetryAfter() is { } wait)
        {
            metrics.Throttled();
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins; retry after the time in Retry-After.");
        }

        var userId = await grains.GetGrain<IEmailIndexGrain>(normalized).GetUserId();
        var user = userId is null ? null : grains.GetGrain<IUserGrain>(userId);
        var hash = user is null ? null : await user.GetPasswordHash();
        var profile = user is null ? null : await user.GetProfile();
        if (!await grains.GetGrain<IPasswordHasherGrain>(0).Verify(hash, request.Password!) || profile is null)
        {
            await throttle.RecordFailure();
            metrics.Failed();
            return Unauthorized(InvalidCredentials);
        }
        await throttle.RecordSuccess();
        return TypedResults.Ok(await sessions.StartAsync(profile));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(RefreshRequest request, SessionTokens sessions) =>
        await sessions.RotateAsync(request.RefreshToken!) is { } pair
            ? TypedResults.Ok(pair)
            : Unauthorized("The refresh token is not valid; log in again.");

    public static async Task<NoContent> Logout(RefreshRequest request, SessionTokens sessions)
    {
        await sessions.RevokeAsync(request.RefreshToken!);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(ClaimsPrincipal caller, IGrainFactory grains)
    {
        if (caller.UserId() is not { } userId || await grains.GetGrain<IUserGrain>(userId).GetProfile() is not { } profile)
        {
            return Unauthorized("This needs a user's access token.");
        }
        var organizations = await CallerOrganizations.ListAsync(grains, userId);
        return TypedResults.Ok(new MeResponse(profile.Id, profile.Email, profile.Name, profile.CreatedAt, organizations));
    }

    private static ProblemHttpResult Unauthorized(string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: title);
}
