using Microsoft.Extensions.Options;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>Fails with the option, its value and the rule it breaks, for the settings the sender reads.</summary>
internal sealed class WebhookSendingOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"Granary:Webhooks:Timeout is {options.Timeout} but must be a positive time span.");
        }
        if (options.MaxResponseBytes < 0)
        {
            failures.Add($"Granary:Webhooks:MaxResponseBytes is {options.MaxResponseBytes} but must be 0 or more.");
        }
        if (options.MaxLoggedResponseChars < 0)
        {
            failures.Add($"Granary:Webhooks:MaxLoggedResponseChars is {options.MaxLoggedResponseChars} but must be 0 or more.");
        }
        try
        {
            _ = new TargetAddressPolicy(options.AllowedTargets ?? []);
        }
        catch (ArgumentException error)
        {
            failures.Add(error.Message);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
