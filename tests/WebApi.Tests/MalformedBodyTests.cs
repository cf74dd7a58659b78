using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests;

/// <summary>
/// Every operation that reads a body (the org-scoped ones of <see cref="TenantIsolationTests.Walk"/>, plus account and
/// organization creation) against each class of malformed body: none, not JSON, not an object, a field it doesn't
/// have, each of its fields in turn with a value of the wrong type, each required field left out, and values out of
/// their range or allowed set. Each answer is a 400 problem whose
/// <c>errors</c> names the field by its JSON path (<c>body</c> for the body as a whole) in the API's words — no .NET
/// type, parser position or framework advice, which <see cref="ResponseLeakGuard"/> checks on every response.
/// </summary>
public sealed class MalformedBodyTests(MalformedBodyTests.Api api) : IClassFixture<MalformedBodyTests.Api>
{
    /// <summary>
    /// One silo for the whole class: every request here is refused before it changes anything. The anonymous rate
    /// limit is lifted, or the account operations' many malformed requests would meet 429 instead of 400.
    /// </summary>
    public sealed class Api : IAsyncLifetime
    {
        public ApiFactory Factory { get; } = new(ApiStorage.Sqlite, new Dictionary<string, string> { ["Granary:Http:AnonymousRequestsPerMinute"] = "1000000" });

        public ApiSession Owner { get; private set; } = null!;

        public string OrgId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Owner = await Factory.RegisterAndLoginAsync();
            OrgId = await Owner.CreateOrganizationAsync();
        }

        public Task DisposeAsync()
        {
            // Disposing checks every response of the class for framework words (ResponseLeakGuard) and undocumented statuses.
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>The operations outside the walk: (method, path, a valid body).</summary>
    private static readonly (string Method, string Path, string Body)[] AccountOperations =
    [
        ("POST", "/auth/register", """{"email":"new@example.com","password":"correct horse battery","name":"New"}"""),
        ("POST", "/auth/login", """{"email":"new@example.com","password":"correct horse battery"}"""),
        ("POST", "/auth/refresh", """{"refreshToken":"x"}"""),
        ("POST", "/auth/logout", """{"refreshToken":"x"}"""),
        ("POST", "/api/v1/orgs", """{"name":"Acme","slug":"acme-x"}"""),
    ];

    public static TheoryData<string, string, string> Operations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var entry in TenantIsolationTests.Walk.Where(e => e.Body is not null))
        {
            data.Add(entry.Method, entry.Template, entry.Body!);
        }
        foreach (var (method, path, body) in AccountOperations)
        {
            data.Add(method, path, body);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task EachMalformedBodyClass_Is400NamingTheField(string method, string template, string validBody)
    {
        var (owner, orgId) = (api.Owner, api.OrgId);
        var path = Fill(template, orgId, owner.UserId);
        var valid = JsonNode.Parse(validBody)!.AsObject();

        var cases = new List<(string Body, string Field)>
        {
            ("", "body"),
            ("null", "body"),
            ("{oops", "body"),
            ("{,}", "body"),
            ("[]", "body"),
            ("\"text\"", "body"),
        };
        var withUnknown = valid.DeepClone().AsObject();
        withUnknown["notAField"] = 1;
        cases.Add((withUnknown.ToJsonString(), "notAField"));
        foreach (var (name, value) in valid)
        {
            var wrong = valid.DeepClone().AsObject();
            wrong[name] = WrongType(value);
            cases.Add((wrong.ToJsonString(), name));
        }

        foreach (var (body, field) in cases)
        {
            await AssertNamesFieldAsync(owner.Client, method, path, body, field);
        }
    }

    private static string Fill(string template, string orgId, string userId) =>
        template.Replace("{org}", orgId, StringComparison.Ordinal).Replace("{userId}", userId, StringComparison.Ordinal)
            .Replace("{sku}", "SKU-1", StringComparison.Ordinal).Replace("{id}", "x1", StringComparison.Ordinal)
            .Replace("{keyId}", "k1", StringComparison.Ordinal).Replace("{deliveryId}", "d1", StringComparison.Ordinal)
            .Replace("{kind}", "webhook", StringComparison.Ordinal);

    /// <summary>Sends <paramref name="body"/> and asserts a 400 problem whose <c>errors</c> has a message for <paramref name="field"/>.</summary>
    private static async Task AssertNamesFieldAsync(HttpClient client, string method, string path, string body, string field)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (method == "POST" && path.EndsWith("/orders", StringComparison.Ordinal))
        {
            request.Headers.Add("Idempotency-Key", "malformed-" + Guid.NewGuid().ToString("N"));
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} with {body}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages) && messages[0].GetString() is { Length: > 0 },
            $"{method} {path} with {body}: the problem names no '{field}': {text}");
    }

    /// <summary>
    /// For each operation of <see cref="Operations"/>: the fields its body must have (an operation whose fields are
    /// all optional must get at least one, so its empty object is refused naming <c>body</c>), and values outside a
    /// field's range or allowed set, each as (where it goes, its JSON, the field the answer must name).
    /// </summary>
    private static readonly Dictionary<string, (string[] Required, (string Path, string Json, string Field)[] OutOfRange)> Rules = new(StringComparer.Ordinal)
    {
        ["PATCH /api/v1/orgs/{org}/settings"] = ([], [("dailySummaryHour", "24", "dailySummaryHour"), ("autoCancelMinutes", "0", "autoCancelMinutes"), ("timeZone", "\"Mars/Olympus\"", "timeZone")]),
        ["POST /api/v1/orgs/{org}/members"] = (["email", "role"], [("role", "\"king\"", "role"), ("email", "\"not-an-email\"", "email")]),
        ["PATCH /api/v1/orgs/{org}/members/{userId}"] = (["role"], [("role", "\"king\"", "role")]),
        ["POST /api/v1/orgs/{org}/api-keys"] = (["name", "scopes"], [("scopes", "[\"admin\"]", "scopes"), ("scopes", "[]", "scopes"), ("name", Long(201), "name")]),
        ["PUT /api/v1/orgs/{org}/inventory/{sku}"] = (["onHand"], [("onHand", "-1", "onHand"), ("onHand", "2147483648", "onHand")]),
        ["POST /api/v1/orgs/{org}/inventory/{sku}/adjust"] = (["delta", "reason"], [("delta", "0", "delta"), ("reason", Long(201), "reason")]),
        ["POST /api/v1/orgs/{org}/orders"] = (["lines", "currency", "customer", "shippingAddress"],
        [
            ("lines[0].quantity", "0", "lines[0].quantity"), ("lines[0].quantity", "1000001", "lines[0].quantity"), ("lines[0].unitPrice", "-1", "lines[0].unitPrice"),
            ("lines[0].sku", "\"no spaces\"", "lines[0].sku"), ("lines", "[]", "lines"), ("currency", "\"EURO\"", "currency"),
            ("customer.email", "\"nobody\"", "customer.email"), ("shippingAddress.country", "\"France\"", "shippingAddress.country"),
        ]),
        ["POST /api/v1/orgs/{org}/orders/{id}/ship"] = (["trackingNumber"], [("trackingNumber", Long(101), "trackingNumber")]),
        ["POST /api/v1/orgs/{org}/channels"] = (["kind", "name"], [("kind", "\"shopify\"", "kind"), ("name", Long(101), "name")]),
        ["POST /api/v1/orgs/{org}/webhooks"] = (["url"],
            [("url", "\"ftp://receiver.example.com/h\"", "url"), ("url", "\"http://10.0.0.1/h\"", "url"), ("eventTypes", "[\"order.nonsense\"]", "eventTypes[0]"), ("description", Long(501), "description")]),
        ["PATCH /api/v1/orgs/{org}/webhooks/{id}"] = ([], [("url", "\"ftp://receiver.example.com/h\"", "url"), ("description", Long(501), "description"), ("eventTypes", "[\"invoice.*\"]", "eventTypes[0]")]),
        ["POST /auth/register"] = (["email", "password", "name"], [("password", "\"short\"", "password"), ("email", "\"a@b\"", "email"), ("name", Long(201), "name")]),
        ["POST /auth/login"] = (["email", "password"], [("password", Long(1001), "password")]),
        ["POST /auth/refresh"] = (["refreshToken"], [("refreshToken", Long(201), "refreshToken")]),
        ["POST /auth/logout"] = (["refreshToken"], [("refreshToken", Long(201), "refreshToken")]),
        ["POST /api/v1/orgs"] = (["name", "slug"], [("slug", "\"No Spaces\"", "slug"), ("slug", "\"ab\"", "slug"), ("name", Long(201), "name")]),
    };

    [Fact]
    public void Rules_CoverEveryOperationWithABody()
    {
        var operations = Operations().Select(row => $"{row[0]} {row[1]}").ToHashSet(StringComparer.Ordinal);
        var missing = operations.Except(Rules.Keys).Order(StringComparer.Ordinal).ToList();
        var stale = Rules.Keys.Except(operations).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Operations without required/out-of-range rules here: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rules for operations that don't exist: " + string.Join(", ", stale));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task EachMissingRequiredField_AndEachValueOutOfRange_Is400NamingTheField(string method, string template, string validBody)
    {
        var (owner, orgId) = (api.Owner, api.OrgId);
        var path = Fill(template, orgId, owner.UserId);
        var valid = JsonNode.Parse(validBody)!.AsObject();
        var (required, outOfRange) = Rules[$"{method} {template}"];

        var cases = new List<(string Body, string Field)>();
        foreach (var field in required)
        {
            Assert.True(valid.ContainsKey(field), $"{method} {template}: the valid body has no '{field}' to leave out.");
            var without = valid.DeepClone().AsObject();
            without.Remove(field);
            cases.Add((without.ToJsonString(), field));
        }
        if (required.Length == 0)
        {
            cases.Add(("{}", "body"));
        }
        foreach (var (where, json, field) in outOfRange)
        {
            var changed = valid.DeepClone().AsObject();
            Set(changed, where, JsonNode.Parse(json));
            cases.Add((changed.ToJsonString(), field));
        }

        foreach (var (body, field) in cases)
        {
            await AssertNamesFieldAsync(owner.Client, method, path, body, field);
        }
    }

    /// <summary>Puts <paramref name="value"/> at <paramref name="path"/> (<c>a.b</c>, <c>lines[0].quantity</c>) of <paramref name="body"/>.</summary>
    private static void Set(JsonObject body, string path, JsonNode? value)
    {
        JsonNode node = body;
        var steps = path.Split('.');
        for (var i = 0; i < steps.Length; i++)
        {
            var (name, index) = steps[i].EndsWith(']') ? (steps[i][..steps[i].IndexOf('[')], int.Parse(steps[i][(steps[i].IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)) : (steps[i], -1);
            var last = i == steps.Length - 1;
            if (index < 0)
            {
                if (last)
                {
                    node.AsObject()[name] = value;
                    return;
                }
                node = node.AsObject()[name] ?? throw new InvalidOperationException($"{path}: the valid body has no '{name}'.");
            }
            else
            {
                var item = node.AsObject()[name]!.AsArray();
                if (last)
                {
                    item[index] = value;
                    return;
                }
                node = item[index]!;
            }
        }
    }

    private static string Long(int length) => JsonSerializer.Serialize(new string('x', length));

    /// <summary>A value of another JSON kind than <paramref name="value"/>'s.</summary>
    private static JsonNode WrongType(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => JsonValue.Create(12345),
        JsonValueKind.Number => JsonValue.Create("not a number"),
        _ => JsonValue.Create("not this kind"),
    };
}
