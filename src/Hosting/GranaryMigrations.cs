using Granary.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>
/// The operator command behind <c>dotnet Granary.Silo.dll migrate</c>: applies Granary's schema to the databases the
/// <c>Granary:*</c> configuration names (grain storage, and the reminder table when it is SQLite) without starting a silo.
/// </summary>
public static class GranaryMigrations
{
    /// <summary>
    /// Validates the configuration the way a silo start would, then migrates each database (idempotent; safe while silos
    /// run). Prints one line per database to <paramref name="output"/> and any failure to <paramref name="error"/>.
    /// </summary>
    /// <returns>0 when every schema is current, 1 when the configuration is invalid or a migration failed.</returns>
    public static async Task<int> RunMigrationsAsync(
        IConfiguration configuration,
        string? contentRootPath = null,
        TextWriter? output = null,
        TextWriter? error = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        output ??= Console.Out;
        error ??= Console.Error;
        loggerFactory ??= NullLoggerFactory.Instance;
        var profile = GranaryProfile.Read(configuration, contentRootPath ?? Directory.GetCurrentDirectory());
        var failures = Validate(configuration, profile);
        if (failures.Count > 0)
        {
            foreach (var failure in failures)
            {
                await error.WriteLineAsync($"Invalid configuration: {failure}");
            }
            return 1;
        }
        foreach (var (dialect, connectionString, label) in Databases(profile))
        {
            try
            {
                var migrator = new SchemaMigrator(dialect, connectionString, loggerFactory.CreateLogger<SchemaMigrator>());
                var result = await migrator.MigrateAsync(cancellationToken);
                var applied = result.Applied.Count == 0 ? "already current" : "applied " + string.Join(", ", result.Applied);
                await output.WriteLineAsync($"{label}: schema version {result.FromVersion} -> {result.ToVersion} ({applied})");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await error.WriteLineAsync($"{label}: migration failed: {ex.Message}");
                return 1;
            }
        }
        return 0;
    }

    private static List<(StorageDialect Dialect, string ConnectionString, string Label)> Databases(GranaryProfile profile)
    {
        var databases = new List<(StorageDialect, string, string)>();
        if (profile.Storage == StorageProviderKind.Postgres)
        {
            databases.Add((StorageDialect.Postgres, profile.PostgresConnectionString, "storage (postgres)"));
        }
        else
        {
            databases.Add((StorageDialect.Sqlite, SqliteDatabase.ConnectionString(profile.StorageSqlitePath), $"storage (sqlite {profile.StorageSqlitePath})"));
        }
        var remindersHaveOwnFile = profile.Storage != StorageProviderKind.Sqlite || profile.RemindersSqlitePath != profile.StorageSqlitePath;
        if (profile.Reminders == ReminderProviderKind.Sqlite && remindersHaveOwnFile)
        {
            databases.Add((StorageDialect.Sqlite, SqliteDatabase.ConnectionString(profile.RemindersSqlitePath), $"reminders (sqlite {profile.RemindersSqlitePath})"));
        }
        return databases;
    }

    private static List<string> Validate(IConfiguration configuration, GranaryProfile profile)
    {
        var failures = new List<string>();
        Check(configuration, GranaryStorageOptions.Section, new GranaryStorageOptionsValidator(), failures);
        Check(configuration, GranaryRemindersOptions.Section, new GranaryRemindersOptionsValidator(), failures);
        Check(configuration, GranaryClusterOptions.Section, new GranaryClusterOptionsValidator(profile), failures);
        return failures;
    }

    private static void Check<TOptions>(IConfiguration configuration, string section, IValidateOptions<TOptions> validator, List<string> failures)
        where TOptions : class, new()
    {
        TOptions options;
        try
        {
            options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key, the value and the type it could not become.
            failures.Add(ex.Message);
            return;
        }
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }
    }
}
