using System.Globalization;

namespace Granary.Hosting;

/// <summary>Rules shared by the validators; every failure names the key, the value and the rule it breaks.</summary>
internal static class OptionRules
{
    public static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} is {Format(value)} but must be a positive time span.");
        }
    }

    public static void AtLeast(List<string> failures, string key, int value, int minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{key} is {value} but must be at least {minimum}.");
        }
    }

    public static void NotEmpty(List<string> failures, string key, string? value, string why)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is empty but must be set {why}.");
        }
    }

    public static void Port(List<string> failures, string key, int value, int minimum)
    {
        if (value < minimum || value > 65535)
        {
            failures.Add($"{key} is {value} but must be a TCP port from {minimum} to 65535.");
        }
    }

    public static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    public static string Quote(string? value) => value is null ? "(unset)" : $"'{value}'";
}
