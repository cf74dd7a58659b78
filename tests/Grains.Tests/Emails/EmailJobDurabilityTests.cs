using System.Text.Json;
using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Runtime.Testing;
using Granary.Testing.Smtp;
using Microsoft.Data.Sqlite;
using static Granary.Grains.Tests.Emails.EmailFixtures;

namespace Granary.Grains.Tests.Emails;

/// <summary>An email job's state and reminder live in SQLite: a retrying job resumes on the silo that replaces its own.</summary>
public sealed class EmailJobDurabilityTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly SmtpSink _sink = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("granary-email-").FullName;
    private TestCluster _cluster = null!;

    private string Database => Path.Combine(_directory, "granary.db");

    public async Task InitializeAsync() => _cluster = await StartAsync(_sink, _time, o =>
    {
        o.Storage = TestStorage.Sqlite(Database);
        o.Reminders = TestReminders.Sqlite(Database);
    });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _sink.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RetryingJob_IsResumedAfterTheSiloRestarts()
    {
        _sink.RejectNext(1);
        var retrying = await _cluster.GrainFactory.EmailJob("org1", "job1").Enqueue(Shipped());
        Assert.Equal(JobStatus.Retrying, retrying.Status);

        await _cluster.RestartSiloAsync(_cluster.Primary);
        var job = _cluster.GrainFactory.EmailJob("org1", "job1");
        Assert.Equal(retrying, await job.Get());

        var sent = await job.AdvanceToNextAttemptAsync(_time);

        Assert.Equal(JobStatus.Succeeded, sent.Status);
        Assert.Equal(2, sent.AttemptCount);
        Assert.Equal("Order o-42 has shipped", Assert.Single(_sink.Messages).Subject);
    }

    [Fact]
    public async Task StateRow_HasTheFieldsTheSqlListsRead()
    {
        _sink.RejectNext(1);
        var retrying = await _cluster.GrainFactory.EmailJob("org1", "job1").Enqueue(Shipped());

        using var row = JsonDocument.Parse(await ReadStateAsync("org1/job1"));

        var state = row.RootElement;
        Assert.Equal("org1", state.GetProperty("organizationId").GetString());
        Assert.Equal("OrderShipped", state.GetProperty("template").GetString());
        Assert.Equal("ada@example.com", state.GetProperty("to").GetString());
        Assert.Equal("Retrying", state.GetProperty("status").GetString());
        Assert.Equal(1, state.GetProperty("attemptCount").GetInt32());
        Assert.Equal(retrying.LastError, state.GetProperty("lastError").GetString());
        Assert.Equal(retrying.NextAttemptAt, state.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Equal(retrying.CreatedAt, state.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(retrying.UpdatedAt, state.GetProperty("updatedAt").GetDateTimeOffset());
    }

    private async Task<string> ReadStateAsync(string key)
    {
        await using var connection = new SqliteConnection($"Data Source={Database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM granary_grain_state WHERE grain_type = 'emailjob' AND grain_key = $key AND state_name = 'email'";
        command.Parameters.AddWithValue("$key", key);
        return (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No state row for email job {key}.");
    }
}
