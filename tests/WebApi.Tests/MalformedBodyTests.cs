using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests;

/// <summary>
/// Every operation that reads a body (the org-scoped ones of <see cref="TenantIsolationTests.Walk"/>, plus account and
/// organization creation) against each class of malformed body: none, not JSON, not an object, a field it doesn't
/// have, and each of its fields in turn with a value of the wrong type. Each answer is a 400 problem whose
/// <c>errors</c> names the field by its JSON path (<c>body</c> for the body as a whole) in the API's words — no .NET
/// type, parser position or framework advice, which <see cref="ResponseLeakGuard"/> checks on every response.
/// </summary>
public sealed class MalformedBodyTests
{
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
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var path = template.Replace("{org}", orgId, StringComparison.Ordinal).Replace("{userId}", owner.UserId, StringComparison.Ordinal)
            .Replace("{sku}", "SKU-1", StringComparison.Ordinal).Replace("{id}", "x1", StringComparison.Ordinal)
            .Replace("{keyId}", "k1", StringComparison.Ordinal).Replace("{deliveryId}", "d1", StringComparison.Ordinal)
            .Replace("{kind}", "webhook", StringComparison.Ordinal);
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
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await owner.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {template} with {body}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(text);
            Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages) && messages[0].GetString() is { Length: > 0 },
                $"{method} {template} with {body}: the problem names no '{field}': {text}");
        }
    }

    /// <summary>A value of another JSON kind than <paramref name="value"/>'s.</summary>
    private static JsonNode WrongType(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => JsonValue.Create(12345),
        JsonValueKind.Number => JsonValue.Create("not a number"),
        _ => JsonValue.Create("not this kind"),
    };
}
