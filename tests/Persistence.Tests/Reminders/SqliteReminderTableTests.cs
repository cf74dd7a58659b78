using Granary.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Persistence.Tests.Reminders;

/// <summary>Orleans's ADO.NET reminder table on Granary's SQLite schema (granary_reminder_entries).</summary>
public sealed class SqliteReminderTableTests(MigratedSqliteFile file) : ReminderTableContractTests, IClassFixture<MigratedSqliteFile>
{
    protected override void AddReminderTable(IServiceCollection services) =>
        services.AddGranarySqliteReminderTable(file.ConnectionString);
}

/// <summary>A temp SQLite file at the latest schema, shared by one test class.</summary>
public sealed class MigratedSqliteFile : IAsyncLifetime
{
    private readonly SqliteScratchFile _file = new();

    public string ConnectionString => _file.ConnectionString;

    public async Task InitializeAsync() =>
        await new SchemaMigrator(StorageDialect.Sqlite, _file.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

    public Task DisposeAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}
