using System.Text.RegularExpressions;
using Granary.Grains.Webhooks;
using Granary.WebApi.Http;

namespace Granary.WebApi.Webhooks;

/// <summary>Body of <c>POST …/webhooks</c>: no event types (or "*") means every event.</summary>
internal sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string?>? EventTypes, string? Description, bool? Enabled) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (WebhookUrl.Problem(Url) is { } problem)
        {
            errors.Add("url", problem);
        }
        WebhookRules.EventTypes(errors, EventTypes);
        WebhookRules.Description(errors, Description);
    }
}

/// <summary>Body of <c>PATCH …/webhooks/{id}</c>: absent or null fields stay as they are.</summary>
internal sealed record UpdateWebhookRequest(string? Url, IReadOnlyList<string?>? EventTypes, string? Description, bool? Enabled) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (Url is null && EventTypes is null && Description is null && Enabled is null)
        {
            errors.Add("body", "Give at least one of url, eventTypes, description, enabled.");
        }
        if (Url is not null && WebhookUrl.Problem(Url) is { } problem)
        {
            errors.Add("url", problem);
        }
        WebhookRules.EventTypes(errors, EventTypes);
        WebhookRules.Description(errors, Description);
    }
}

/// <summary>Rules both bodies share.</summary>
internal static partial class WebhookRules
{
    public const int MaxEventTypes = 50;

    public static void EventTypes(ValidationErrors errors, IReadOnlyList<string?>? eventTypes)
    {
        if (eventTypes is null)
        {
            return;
        }
        if (eventTypes.Count > MaxEventTypes)
        {
            errors.Add("eventTypes", $"eventTypes holds at most {MaxEventTypes} entries.");
            return;
        }
        for (var i = 0; i < eventTypes.Count; i++)
        {
            if (eventTypes[i] is not { Length: <= 100 } type || !EventTypePattern().IsMatch(type))
            {
                errors.Add($"eventTypes[{i}]", "An event type is \"*\", a type such as \"order.created\", or a prefix such as \"order.*\".");
            }
            else if (!WebhookEventTypes.MatchesAny(type))
            {
                errors.Add($"eventTypes[{i}]", $"\"{type}\" matches no event; the event types are {string.Join(", ", WebhookEventTypes.All)} (or \"*\", or a prefix such as \"order.*\").");
            }
        }
    }

    public static void Description(ValidationErrors errors, string? description)
    {
        if (description is { Length: > 500 })
        {
            errors.Add("description", "description must be at most 500 characters.");
        }
    }

    public static IReadOnlyList<string> Normalize(IReadOnlyList<string?> eventTypes) => [.. eventTypes.OfType<string>().Distinct(StringComparer.Ordinal)];

    [GeneratedRegex(@"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")]
    private static partial Regex EventTypePattern();
}
