namespace Granary.Persistence.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL and Redis the tests run against (scripts/services.sh start). Tests that need them
/// fail, never skip, when they are not reachable.
/// </summary>
internal static class TestServices
{
    private const string DefaultPostgres = "Host=127.0.0.1;Port=55432;Database=granary_test;Username=granary;Password=granary";
    private const string DefaultRedis = "127.0.0.1:56379";

    public static string Postgres => FromEnvironment("GRANARY_TEST_POSTGRES", DefaultPostgres);

    public static string Redis => FromEnvironment("GRANARY_TEST_REDIS", DefaultRedis);

    private static string FromEnvironment(string variable, string fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback : value;
    }
}
