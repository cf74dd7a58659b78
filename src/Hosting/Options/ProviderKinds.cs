namespace Granary.Hosting;

/// <summary>Where grain state is stored (<c>Granary:Storage:Provider</c>).</summary>
internal enum StorageProviderKind
{
    Sqlite,
    Postgres,
}

/// <summary>Where the reminder table lives (<c>Granary:Reminders:Provider</c>).</summary>
internal enum ReminderProviderKind
{
    Sqlite,
    Redis,
}

/// <summary>How silos find each other (<c>Granary:Cluster:Membership:Provider</c>).</summary>
internal enum MembershipProviderKind
{
    None,
    Redis,
}

/// <summary>Reads provider names case-insensitively; an unknown name reads as null and the validators report it.</summary>
internal static class ProviderNames
{
    public const string StorageAllowed = "Sqlite, Postgres";
    public const string RemindersAllowed = "Sqlite, Redis";
    public const string MembershipAllowed = "None, Redis";

    public static StorageProviderKind? Storage(string? name) => Normalize(name) switch
    {
        "sqlite" => StorageProviderKind.Sqlite,
        // Today's configuration also accepted these spellings; keeping them costs nothing.
        "postgres" or "postgresql" or "npgsql" => StorageProviderKind.Postgres,
        _ => null,
    };

    public static ReminderProviderKind? Reminders(string? name) => Normalize(name) switch
    {
        "sqlite" => ReminderProviderKind.Sqlite,
        "redis" => ReminderProviderKind.Redis,
        _ => null,
    };

    public static MembershipProviderKind? Membership(string? name) => Normalize(name) switch
    {
        "none" => MembershipProviderKind.None,
        "redis" => MembershipProviderKind.Redis,
        _ => null,
    };

    private static string? Normalize(string? name) => name?.Trim().ToLowerInvariant();
}
