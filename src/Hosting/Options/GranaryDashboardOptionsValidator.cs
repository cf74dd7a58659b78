using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>Refuses half a credential, and a user name HTTP Basic cannot carry.</summary>
internal sealed class GranaryDashboardOptionsValidator : IValidateOptions<GranaryDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, GranaryDashboardOptions options)
    {
        var failures = new List<string>();
        var hasUser = !string.IsNullOrEmpty(options.Username);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (hasUser != hasPassword)
        {
            var (set, unset) = hasUser ? ("Username", "Password") : ("Password", "Username");
            failures.Add($"Granary:Dashboard:{unset} is empty but must be set because Granary:Dashboard:{set} is (both or neither).");
        }
        if (options.Username?.Contains(':', StringComparison.Ordinal) == true)
        {
            failures.Add($"Granary:Dashboard:Username is '{options.Username}' but must not contain ':' (HTTP Basic separates user and password with it).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
