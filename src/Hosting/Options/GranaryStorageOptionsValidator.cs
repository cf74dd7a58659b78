using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>Fails start-up on an unknown storage provider or a missing or malformed location, naming the key.</summary>
internal sealed class GranaryStorageOptionsValidator : IValidateOptions<GranaryStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, GranaryStorageOptions options)
    {
        var failures = new List<string>();
        switch (ProviderNames.Storage(options.Provider))
        {
            case StorageProviderKind.Sqlite:
                OptionRules.NotEmpty(failures, "Granary:Storage:Sqlite:Path", options.Sqlite.Path, "when the storage provider is Sqlite");
                break;
            case StorageProviderKind.Postgres:
                ConnectionString(failures, "Granary:Storage:Postgres:ConnectionString", options.Postgres.ConnectionString);
                break;
            default:
                failures.Add($"Granary:Storage:Provider is {OptionRules.Quote(options.Provider)} but must be one of {ProviderNames.StorageAllowed}.");
                break;
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void ConnectionString(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is empty but must be set when the storage provider is Postgres.");
            return;
        }
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = value };
        }
        catch (ArgumentException ex)
        {
            // The value holds a password: name the key and the parser's complaint, never the value.
            failures.Add($"{key} is not a valid connection string ({ex.Message}).");
        }
    }
}
