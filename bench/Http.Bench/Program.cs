// Helper of `bench/run.sh http` (two modes):
//
//   Granary.HttpBench const --urls http://127.0.0.1:PORT
//       A framework-only minimal API answering a constant JSON body the size of an order, at GET /const and at the
//       order route of the silo, GET /api/v1/orgs/{org}/orders/{id} (which ignores its route values and any
//       Authorization header): wrk can then send the very requests it sends the silo, so the client does the same
//       work in both runs and only the servers differ. Same SDK and hosting defaults as the silo
//       (WebApplication.CreateBuilder, server GC): the ceiling of this machine.
//
//   Granary.HttpBench insert <PostgreSQL connection string> --urls http://127.0.0.1:PORT
//       The ceiling for one durable write per request: POST /api/v1/orgs/{org}/orders (route values, headers and
//       Idempotency-Key ignored) reads the order JSON and INSERTs it as one row, with a fresh id, into a table of its
//       own (bench_insert_ceiling, created if missing) of the given database, then answers 201 with the body. It
//       connects as the silo's storage does (Multiplexing, Max Auto Prepare=20, No Reset On Close), so only the work
//       per request differs from the silo's POST.
//
//   Granary.HttpBench seed <silo base url> <orders> <concurrency> <output dir>
//       Seeds a running silo through its public API: registers and logs in one user, creates an organization, sets
//       stock for a few SKUs, creates <orders> orders (bounded concurrency, one Idempotency-Key each), then GETs every
//       order once (the warm-up pass: each order grain is active before wrk measures). Writes into <output dir>:
//       token, org, order-ids.txt (one id a line) and order-body.json (the body wrk POSTs).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

if (args.Length >= 1 && args[0] == "const")
{
    return RunConst(args[1..]);
}
if (args.Length >= 2 && args[0] == "insert")
{
    return await RunInsertCeilingAsync(args[1], args[2..]);
}
if (args.Length == 5 && args[0] == "seed")
{
    return await Seeder.RunAsync(new Uri(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture),
        int.Parse(args[3], CultureInfo.InvariantCulture), args[4]);
}
await Console.Error.WriteLineAsync("usage: Granary.HttpBench const --urls URL | insert POSTGRES --urls URL | seed BASE_URL ORDERS CONCURRENCY OUT_DIR");
return 2;

static int RunConst(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    var app = builder.Build();
    var created = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    // Shaped and sized like an OrderResponse with two lines (about 600 bytes of JSON).
    var body = new
    {
        id = "0f8e2d6c4b3a49f1a2b7c9d0e1f23456",
        status = "pending",
        lines = new[]
        {
            new { sku = "BENCH-1", quantity = 2, unitPrice = 12.50m },
            new { sku = "BENCH-2", quantity = 1, unitPrice = 7.25m },
        },
        currency = "EUR",
        total = 32.25m,
        customer = new { email = "customer@example.com", name = "Bench Customer" },
        shippingAddress = new
        {
            line1 = "1 Bench Street",
            line2 = (string?)null,
            city = "Lyon",
            region = (string?)null,
            postalCode = "69001",
            country = "FR",
        },
        channel = (string?)null,
        externalId = (string?)null,
        trackingNumber = (string?)null,
        cancelReason = (string?)null,
        createdAt = created,
        updatedAt = created,
    };
    app.MapGet("/const", () => Results.Json(body));
    app.MapGet("/api/v1/orgs/{org}/orders/{id}", () => Results.Json(body));
    app.Run();
    return 0;
}

static async Task<int> RunInsertCeilingAsync(string postgres, string[] args)
{
    var connection = new NpgsqlConnectionStringBuilder(postgres) { Multiplexing = true, MaxAutoPrepare = 20, NoResetOnClose = true };
    await using var database = NpgsqlDataSource.Create(connection.ConnectionString);
    await using (var create = database.CreateCommand(
        "CREATE TABLE IF NOT EXISTS bench_insert_ceiling (id uuid PRIMARY KEY, created_at timestamptz NOT NULL, body text NOT NULL)"))
    {
        await create.ExecuteNonQueryAsync();
    }
    var builder = WebApplication.CreateBuilder(args);
    var app = builder.Build();
    app.MapGet("/ready", () => "ready");
    app.MapPost("/api/v1/orgs/{org}/orders", async (HttpRequest request) =>
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        await using var insert = database.CreateCommand("INSERT INTO bench_insert_ceiling (id, created_at, body) VALUES ($1, $2, $3)");
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body });
        await insert.ExecuteNonQueryAsync();
        return Results.Text(body, "application/json", statusCode: StatusCodes.Status201Created);
    });
    await app.RunAsync();
    return 0;
}

internal static class Seeder
{
    private static readonly string[] Skus = ["BENCH-1", "BENCH-2", "BENCH-3", "BENCH-4", "BENCH-5"];

    public static async Task<int> RunAsync(Uri baseUrl, int orders, int concurrency, string outDir)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var run = Guid.NewGuid().ToString("N")[..12];
        var email = $"bench-{run}@example.com";
        const string password = "bench-password-1";

        await Expect(await http.PostAsJsonAsync("/auth/register", new { email, password, name = "Bench User" }), HttpStatusCode.Created, HttpStatusCode.OK);
        var login = await Expect(await http.PostAsJsonAsync("/auth/login", new { email, password }), HttpStatusCode.OK);
        var token = login["accessToken"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var org = await Expect(await http.PostAsJsonAsync("/api/v1/orgs", new { name = "Bench Org", slug = $"bench-{run}" }), HttpStatusCode.Created);
        var orgId = org["id"]!.GetValue<string>();
        foreach (var sku in Skus)
        {
            await Expect(await http.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/{sku}", new { onHand = 1_000_000 }), HttpStatusCode.OK);
        }

        var ids = new string[orders];
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, orders), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders")
            {
                Content = JsonContent.Create(OrderBody(Skus[i % Skus.Length], Skus[(i + 1) % Skus.Length], i)),
            };
            request.Headers.Add("Idempotency-Key", $"seed-{run}-{i}");
            var order = await Expect(await http.SendAsync(request, ct), HttpStatusCode.Created);
            ids[i] = order["id"]!.GetValue<string>();
        });
        var created = watch.Elapsed;

        watch.Restart();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (id, ct) =>
            await Expect(await http.GetAsync($"/api/v1/orgs/{orgId}/orders/{id}", ct), HttpStatusCode.OK));
        var warmed = watch.Elapsed;

        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "token"), token);
        await File.WriteAllTextAsync(Path.Combine(outDir, "org"), orgId);
        await File.WriteAllLinesAsync(Path.Combine(outDir, "order-ids.txt"), ids);
        await File.WriteAllTextAsync(Path.Combine(outDir, "order-body.json"), JsonSerializer.Serialize(OrderBody(Skus[0], Skus[1], 0)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed_orders: {orders}\nseed_create_s: {created.TotalSeconds:F2}\nseed_create_rps: {orders / created.TotalSeconds:F0}\nseed_warmup_get_s: {warmed.TotalSeconds:F2}"));
        return 0;
    }

    private static object OrderBody(string sku1, string sku2, int i) => new
    {
        currency = "EUR",
        customer = new { email = $"customer{i % 1000}@example.com", name = "Bench Customer" },
        shippingAddress = new { line1 = "1 Bench Street", city = "Lyon", postalCode = "69001", country = "FR" },
        lines = new[]
        {
            new { sku = sku1, quantity = 2, unitPrice = 12.50m },
            new { sku = sku2, quantity = 1, unitPrice = 7.25m },
        },
    };

    private static async Task<JsonObject> Expect(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!expected.Contains(response.StatusCode))
            {
                throw new InvalidOperationException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {text}");
            }
            return JsonNode.Parse(text) as JsonObject ?? [];
        }
    }
}
