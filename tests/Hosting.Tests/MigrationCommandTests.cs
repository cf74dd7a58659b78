using Granary.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Hosting.Tests;

/// <summary>The operator's migrate command applies the schema without a silo, and a silo that does not migrate then starts.</summary>
public sealed class MigrationCommandTests
{
    [Fact]
    public async Task RunMigrations_OnEmptyFolder_BringsTheSqliteFileToTheLatestVersion_AndASiloStartsWithoutMigrating()
    {
        using var root = new TempFolder();
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await GranaryMigrations.RunMigrationsAsync(Configuration([]), root.Path, output, error);

        var database = Path.Combine(root.Path, "data", "granary.db");
        Assert.Equal(0, exitCode);
        Assert.Equal("", error.ToString());
        Assert.StartsWith($"storage (sqlite {database}): schema version 0 -> {SchemaMigrator.LatestVersion(StorageDialect.Sqlite)}", output.ToString());
        var migrator = new SchemaMigrator(StorageDialect.Sqlite, SqliteDatabase.ConnectionString(database), NullLogger<SchemaMigrator>.Instance);
        Assert.Equal(SchemaMigrator.LatestVersion(StorageDialect.Sqlite), await migrator.CurrentVersionAsync());

        await using var silo = await SiloHost.StartAsync(root.Path, new Dictionary<string, string?>(EmbeddedProfileTests.Ports())
        {
            ["Granary:Storage:MigrateOnStart"] = "false",
        });
        var (status, _) = await silo.GetJsonAsync("/health/ready");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Start_WithMigrateOnStartOff_OnEmptyFolder_FailsSayingTheSchemaIsBehind()
    {
        using var root = new TempFolder();

        var message = await SiloHost.StartExpectingFailureAsync(root.Path, new Dictionary<string, string?>(EmbeddedProfileTests.Ports())
        {
            ["Granary:Storage:MigrateOnStart"] = "false",
        });

        Assert.Contains($"is at schema version 0, but this build needs version {SchemaMigrator.LatestVersion(StorageDialect.Sqlite)}", message);
    }

    [Fact]
    public async Task RunMigrations_Twice_SecondRunAppliesNothing()
    {
        using var root = new TempFolder();
        await GranaryMigrations.RunMigrationsAsync(Configuration([]), root.Path, TextWriter.Null, TextWriter.Null);
        var output = new StringWriter();

        var exitCode = await GranaryMigrations.RunMigrationsAsync(Configuration([]), root.Path, output, TextWriter.Null);

        Assert.Equal(0, exitCode);
        Assert.EndsWith("(already current)", output.ToString().TrimEnd());
    }

    [Fact]
    public async Task RunMigrations_WithInvalidConfiguration_Returns1NamingTheKey()
    {
        using var root = new TempFolder();
        var error = new StringWriter();

        var exitCode = await GranaryMigrations.RunMigrationsAsync(
            Configuration(new() { ["Granary:Storage:Provider"] = "Postgres" }), root.Path, TextWriter.Null, error);

        Assert.Equal(1, exitCode);
        Assert.Contains("Granary:Storage:Postgres:ConnectionString is empty but must be set when the storage provider is Postgres.", error.ToString());
        Assert.False(Directory.Exists(Path.Combine(root.Path, "data")));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
