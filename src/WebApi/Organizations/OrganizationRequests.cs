using System.Text.RegularExpressions;
using Granary.Grains.Organizations;
using Granary.WebApi.Http;
using Granary.WebApi.Users;

namespace Granary.WebApi.Organizations;

internal sealed partial record CreateOrganizationRequest(string? Name, string? Slug) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("name", Name, maxLength: 200);
        if (string.IsNullOrEmpty(Slug) || !SlugPattern().IsMatch(Slug))
        {
            errors.Add("slug", "slug must be 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}

/// <summary>PATCH: fields left out keep their value.</summary>
internal sealed record UpdateSettingsRequest(int? AutoCancelMinutes, bool? DailySummary, string? TimeZone, int? DailySummaryHour = null) : IValidatableRequest
{
    public const int MaxAutoCancelMinutes = 30 * 24 * 60;

    public void Validate(ValidationErrors errors)
    {
        if (AutoCancelMinutes is null && DailySummary is null && TimeZone is null && DailySummaryHour is null)
        {
            errors.Add("body", "Give at least one of autoCancelMinutes, dailySummary, timeZone, dailySummaryHour.");
        }
        if (DailySummaryHour is < 0 or > 23)
        {
            errors.Add("dailySummaryHour", "dailySummaryHour must be between 0 and 23 (local hour of the daily summary).");
        }
        if (AutoCancelMinutes is < 1 or > MaxAutoCancelMinutes)
        {
            errors.Add("autoCancelMinutes", $"autoCancelMinutes must be between 1 and {MaxAutoCancelMinutes}.");
        }
        if (TimeZone is not null && (TimeZone.Length > 100 || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _)))
        {
            errors.Add("timeZone", "timeZone must be an IANA time zone such as Europe/Paris.");
        }
    }

    public OrganizationSettings ApplyTo(OrganizationSettings current) => new(
        AutoCancelMinutes ?? current.AutoCancelMinutes, DailySummary ?? current.DailySummary, TimeZone ?? current.TimeZone, DailySummaryHour ?? current.DailySummaryHour);
}

internal sealed record AddMemberRequest(string? Email, OrgRole? Role) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        AuthRules.Email(errors, Email);
        MemberRoles.Validate(errors, Role);
    }
}

internal sealed record ChangeRoleRequest(OrgRole? Role) : IValidatableRequest
{
    public void Validate(ValidationErrors errors) => MemberRoles.Validate(errors, Role);
}

internal sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("name", Name, maxLength: 200);
        if (Scopes is null || Scopes.Count == 0)
        {
            errors.Add("scopes", "scopes must list at least one of: read, write.");
        }
        else if (Scopes.Any(s => !ApiKeyScopes.All.Contains(s)))
        {
            errors.Add("scopes", "scopes may only contain: read, write.");
        }
    }
}

internal static class MemberRoles
{
    public static void Validate(ValidationErrors errors, OrgRole? role)
    {
        if (role is null || !Enum.IsDefined(role.Value))
        {
            errors.Add("role", "role must be one of: owner, admin, member, viewer.");
        }
    }
}

internal sealed record OrganizationResponse(string Id, string Name, string Slug, OrganizationSettings Settings, DateTimeOffset CreatedAt)
{
    public static OrganizationResponse From(OrganizationInfo info) => new(info.Id, info.Name, info.Slug, info.Settings, info.CreatedAt);
}

internal sealed record MemberResponse(string UserId, string Email, string Name, OrgRole Role, DateTimeOffset JoinedAt)
{
    public static MemberResponse From(MemberInfo m) => new(m.UserId, m.Email, m.Name, m.Role, m.JoinedAt);
}

internal sealed record ApiKeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyInfo k) => new(k.Id, k.Name, k.Scopes, k.Prefix, k.CreatedAt, k.RevokedAt);
}

/// <summary>The only time the key's secret is shown.</summary>
internal sealed record CreatedApiKeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, string Prefix, DateTimeOffset CreatedAt, string Key);
