using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Granary.Silo.Tests;

/// <summary>
/// The embedded default run twice as a process on the same folder: an order created by the first run is served by
/// the second, and the reminder the first registered (the order's auto-cancel, due a minute after creation) fires in
/// the second and cancels it.
/// </summary>
public sealed class EmbeddedRestartTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("granary-restart-").FullName;
    private readonly string _signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private string Database => Path.Combine(_folder, "granary.db");

    [Fact]
    public async Task OrderAndItsAutoCancelReminder_SurviveARestartOfTheSiloProcess()
    {
        string org, order;
        await using (var first = Start())
        {
            await first.WaitReadyAsync(StartTimeout);
            using var api = await SignedInAsync(first);
            org = await CreateAsync(api, "/api/v1/orgs", new { name = "Restart", slug = $"restart-{Guid.NewGuid():N}"[..20] });
            (await api.PatchAsJsonAsync($"/api/v1/orgs/{org}/settings", new { autoCancelMinutes = 1 })).EnsureSuccessStatusCode();
            order = await CreateAsync(api, $"/api/v1/orgs/{org}/orders", new
            {
                lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 5.0m } },
                currency = "EUR",
                customer = new { email = "bob@example.com", name = "Bob" },
                shippingAddress = new { line1 = "1 Main St", city = "Lyon", postalCode = "69001", country = "FR" },
            });
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(40)));
        }

        Assert.Contains("auto-cancel", await RemindersOfAsync($"order/{org}/{order}"));

        await using var second = Start();
        await second.WaitReadyAsync(StartTimeout);
        using var again = await SignedInAsync(second, register: false);
        Assert.Equal("pending", await StatusAsync(again, org, order));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        string status;
        while ((status = await StatusAsync(again, org, order)) == "pending")
        {
            Assert.True(DateTime.UtcNow < deadline, "the auto-cancel reminder registered before the restart did not cancel the order within 120 s");
            await Task.Delay(500);
        }
        Assert.Equal("cancelled", status);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private SiloProcess Start() => SiloProcess.Start("restart", new Dictionary<string, string>
    {
        ["Granary__Storage__Sqlite__Path"] = Database,
        ["Granary__Auth__SigningKey"] = _signingKey,
    });

    private static async Task<HttpClient> SignedInAsync(SiloProcess silo, bool register = true)
    {
        var client = silo.CreateClient();
        var credentials = new { email = "ada@example.com", password = "correct horse battery" };
        if (register)
        {
            var registered = await client.PostAsJsonAsync("/auth/register", new { credentials.email, credentials.password, name = "Ada" });
            Assert.True(registered.IsSuccessStatusCode, $"register answered {(int)registered.StatusCode}: {await registered.Content.ReadAsStringAsync()}");
        }
        var login = await client.PostAsJsonAsync("/auth/login", credentials);
        Assert.True(login.IsSuccessStatusCode, $"login answered {(int)login.StatusCode}: {await login.Content.ReadAsStringAsync()}");
        using var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.RootElement.GetProperty("accessToken").GetString());
        return client;
    }

    private static async Task<string> CreateAsync(HttpClient api, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var response = await api.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return created.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> StatusAsync(HttpClient api, string org, string order)
    {
        using var body = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/orgs/{org}/orders/{order}"));
        return body.RootElement.GetProperty("status").GetString()!;
    }

    private async Task<List<string>> RemindersOfAsync(string grainId)
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT reminder_name FROM granary_reminder_entries WHERE grain_id = $grain ORDER BY reminder_name";
        command.Parameters.AddWithValue("$grain", grainId);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
