namespace Granary.Hosting.Tests;

/// <summary>
/// The PostgreSQL and Redis the tests use: GRANARY_TEST_POSTGRES / GRANARY_TEST_REDIS, or the loopback services that
/// scripts/services.sh starts. A test that needs them fails when they are missing; none is skipped.
/// </summary>
internal static class TestServices
{
    public static string Postgres =>
        Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : "Host=127.0.0.1;Port=55432;Database=granary_test;Username=granary;Password=granary";

    public static string Redis =>
        Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") is { Length: > 0 } value ? value : "127.0.0.1:56379";

    /// <summary>A name no other test or run uses: cluster ids, service ids, grain keys.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
