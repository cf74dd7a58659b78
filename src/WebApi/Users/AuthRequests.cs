using System.Net.Mail;
using Granary.WebApi.Http;

namespace Granary.WebApi.Users;

internal sealed record RegisterRequest(string? Email, string? Password, string? Name) : IValidatableRequest
{
    public const int MinPasswordLength = 8;

    public void Validate(ValidationErrors errors)
    {
        AuthRules.Email(errors, Email);
        if (string.IsNullOrEmpty(Password) || Password.Length < MinPasswordLength)
        {
            errors.Add("password", $"password must be at least {MinPasswordLength} characters.");
        }
        else if (Password.Length > 1000)
        {
            errors.Add("password", "password must be at most 1000 characters.");
        }
        errors.Required("name", Name, maxLength: 200);
    }
}

internal sealed record LoginRequest(string? Email, string? Password) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("email", Email, maxLength: 254);
        errors.Required("password", Password, maxLength: 1000);
    }
}

/// <summary>The body of /auth/refresh and /auth/logout.</summary>
internal sealed record RefreshRequest(string? RefreshToken) : IValidatableRequest
{
    public void Validate(ValidationErrors errors) => errors.Required("refreshToken", RefreshToken, maxLength: 200);
}

internal sealed record UserResponse(string Id, string Email, string Name);

internal sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);

internal sealed record MeResponse(string Id, string Email, string Name, DateTimeOffset CreatedAt, IReadOnlyList<MyOrganization> Organizations);

internal sealed record MyOrganization(string Id, string Name, string Slug, Grains.Organizations.OrgRole Role);

internal static class AuthRules
{
    public static void Email(ValidationErrors errors, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add("email", "email is required.");
        }
        else if (email.Length > 254 || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim() || !parsed.Host.Contains('.'))
        {
            errors.Add("email", "email must be an address like name@example.com.");
        }
    }
}
