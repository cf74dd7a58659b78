using Granary.Testing.Processes;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// The whole silo (Orleans + API) in the test process, on the storage the test chooses (a SQLite file in the factory's
/// own folder, or PostgreSQL with the reminders in such a file), with a fresh signing key, a silo port of its own and
/// any further <paramref name="settings"/> (configuration keys such as <c>Granary:Email:Host</c>) and
/// <paramref name="services"/> (registrations added last).
/// </summary>
public sealed class ApiFactory(ApiStorage storage, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("granary-api-").FullName;
    private readonly ConcurrentQueue<string> _leaks = new();
    private readonly ConcurrentQueue<string> _undocumented = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Granary:Auth:SigningKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        // Chosen per host built (WithWebHostBuilder builds another): Orleans binds it even behind the in-memory test server.
        builder.UseSetting("Granary:Cluster:SiloPort", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Granary:Cluster:GatewayPort", "0");
        switch (storage)
        {
            case ApiStorage.Sqlite:
                builder.UseSetting("Granary:Storage:Provider", "Sqlite");
                builder.UseSetting("Granary:Storage:Sqlite:Path", Path.Combine(_directory, "granary.db"));
                break;
            case ApiStorage.Postgres:
                builder.UseSetting("Granary:Storage:Provider", "Postgres");
                builder.UseSetting("Granary:Storage:Postgres:ConnectionString", TestDatabase.PostgresConnectionString);
                // A single silo keeps its reminders in a file of its own: the shared database is not its alone.
                builder.UseSetting("Granary:Reminders:Sqlite:Path", Path.Combine(_directory, "reminders.db"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(storage), storage, "Unknown storage.");
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(registrations =>
        {
            registrations
                .AddSingleton<IStartupFilter>(new ResponseLeakGuard(_leaks))
                .AddSingleton<IStartupFilter>(new UndocumentedStatusGuard(_undocumented));
            services?.Invoke(registrations);
        });
    }

    /// <summary>A client with <paramref name="accessToken"/> as its bearer token.</summary>
    public HttpClient ClientWith(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        if (disposing && !_leaks.IsEmpty)
        {
            throw new Xunit.Sdk.XunitException($"{_leaks.Count} responses carried the framework's words ({string.Join(", ", ResponseLeakGuard.Forbidden)}):\n" + string.Join('\n', _leaks.Take(5)));
        }
        if (disposing && !_undocumented.IsEmpty)
        {
            throw new Xunit.Sdk.XunitException($"{_undocumented.Count} answers had a status their operation doesn't document:\n" + string.Join('\n', _undocumented.Distinct().Take(10)));
        }
    }
}

/// <summary>Which grain storage the API runs on (the executable offers no memory storage).</summary>
public enum ApiStorage
{
    Sqlite,
    Postgres,
}

/// <summary>Where API tests find PostgreSQL (scripts/services.sh starts it).</summary>
public static class TestDatabase
{
    public static string PostgresConnectionString { get; } =
        Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test";
}

/// <summary>JSON helpers for tests.</summary>
public static class HttpJson
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>())!;
}
