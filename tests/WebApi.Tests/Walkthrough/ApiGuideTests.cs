using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Granary.Grains.Organizations;
using Granary.WebApi.Organizations;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.WebApi.Tests.Walkthrough;

/// <summary>
/// docs/api.md stays true: its <c>```sh api-guide</c> examples run in order, in one shell, against a real silo
/// process and print what the guide shows; its roles table is the least role every organization endpoint declares;
/// the silo serves the guide and the README and the OpenAPI description link to it. The same run checks the logs:
/// no password, token, API key or secret the examples used is in any line the silo wrote, at Debug level.
/// </summary>
public sealed partial class ApiGuideTests(ApiGuideTests.GuideRun run) : IClassFixture<ApiGuideTests.GuideRun>
{
    private const string Guide = "docs/api.md";

    [Fact]
    public void GuideExamples_RunAsWritten_AndPrintWhatTheyShow()
    {
        foreach (var topic in new[] { "/auth/refresh", "/api-keys", "/members", "Idempotency-Key", "Idempotent-Replayed", "/cancel", "errors", "webhook-signature", "/redeliver", "X-Granary-Signature" })
        {
            Assert.True(run.Script.Contains(topic, StringComparison.OrdinalIgnoreCase), $"The guide's examples no longer show '{topic}'.");
        }
        Assert.True(ShellExamples.ExpectedOutput(run.Script).Count >= 30, "The guide's examples show fewer than 30 answers.");

        ShellExamples.AssertPrintedWhatItShows(run.Script, run.Result, () => "silo:\n" + string.Join('\n', run.LogLines.TakeLast(30)));
    }

    [Fact]
    public void GuideRun_LeavesNoPasswordTokenKeyOrSecretInAnyLogLine()
    {
        Assert.True(run.Result.ExitCode == 0, "The guide's examples failed, so the scan would be incomplete: " + run.Result.Stderr);
        Assert.True(run.Secrets.Count >= 9, $"Only {run.Secrets.Count} secrets were collected: {string.Join(", ", run.Secrets.Select(s => s[..Math.Min(6, s.Length)] + "…"))}");
        // Debug-level logs of every request of the guide (ASP.NET Core's included): there is something to scan.
        Assert.True(run.LogLines.Count > 200, $"The silo wrote only {run.LogLines.Count} log lines.");
        foreach (var secret in run.Secrets)
        {
            var leaks = run.LogLines.Where(line => line.Contains(secret, StringComparison.Ordinal)).ToList();
            if (leaks.Count > 0)
            {
                Assert.Fail($"A secret ({secret[..Math.Min(6, secret.Length)]}…) is in {leaks.Count} log lines, such as: {leaks[0]}");
            }
        }
    }

    [Fact]
    public void GuideRun_EveryLogLineOfARequest_CarriesItsTraceAndSpanIds()
    {
        var inRequests = 0;
        // ASP.NET Core's request scope (RequestPath) marks a line written while a request ran.
        foreach (var line in run.LogLines.Where(l => l.StartsWith('{') && l.Contains("\"RequestPath\"", StringComparison.Ordinal)))
        {
            using var entry = JsonDocument.Parse(line);
            var trace = entry.RootElement.GetProperty("Scopes").EnumerateArray().SingleOrDefault(s => s.TryGetProperty("TraceId", out _));
            Assert.True(trace.ValueKind == JsonValueKind.Object, "A request's log line has no TraceId: " + line);
            Assert.Matches("^[0-9a-f]{32}$", trace.GetProperty("TraceId").GetString());
            Assert.Matches("^[0-9a-f]{16}$", trace.GetProperty("SpanId").GetString());
            inRequests++;
        }
        Assert.True(inRequests > 50, $"Only {inRequests} log lines were written inside requests.");
    }

    [Fact]
    public void RolesTable_IsTheLeastRoleEveryOrganizationEndpointDeclares()
    {
        var table = RolesTable();
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var declared = new Dictionary<string, OrgRole>(StringComparer.Ordinal);
        var undeclared = new List<string>();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var template = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (!template.StartsWith("/api/v1/orgs/{org}", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                if (endpoint.Metadata.GetMetadata<LeastRole>() is { } least)
                {
                    declared[$"{method} {template}"] = least.Role;
                }
                else
                {
                    undeclared.Add($"{method} {template}");
                }
            }
        }

        Assert.True(undeclared.Count == 0, "Organization endpoints that declare no least role (RequireRole): " + string.Join(", ", undeclared));
        Assert.True(declared.Count >= 39, $"Only {declared.Count} organization endpoints were found.");
        var missing = declared.Keys.Except(table.Keys).Order(StringComparer.Ordinal).ToList();
        var stale = table.Keys.Except(declared.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{Guide}'s roles table lacks: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, $"{Guide}'s roles table lists operations the server doesn't have: " + string.Join(", ", stale));
        var wrong = declared.Where(d => table[d.Key] != d.Value).Select(d => $"{d.Key}: guide says {table[d.Key]}, server {d.Value}").ToList();
        Assert.True(wrong.Count == 0, $"{Guide}'s roles table is wrong: " + string.Join("; ", wrong));
    }

    [Fact]
    public async Task Guide_IsServedByTheSilo_AndLinkedFromReadmeAndOpenApi()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var client = factory.CreateClient();

        var served = await client.GetAsync("/api-guide");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("text/markdown", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, Guide)), await served.Content.ReadAsStringAsync());

        var document = await (await client.GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
        Assert.Contains("](/api-guide)", document.GetProperty("info").GetProperty("description").GetString());
        Assert.Contains("](docs/api.md)", await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "README.md")));
    }

    /// <summary>The roles table: "METHOD /path" → the first role named in its row.</summary>
    private static Dictionary<string, OrgRole> RolesTable()
    {
        var rows = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, Guide)).Select(l => RoleRow().Match(l)).Where(m => m.Success).ToList();
        Assert.True(rows.Count > 0, $"{Guide} has no roles table rows ('| `METHOD /api/v1/orgs/{{org}}…` | role |').");
        var table = new Dictionary<string, OrgRole>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            Assert.True(table.TryAdd(row.Groups["operation"].Value, Enum.Parse<OrgRole>(row.Groups["role"].Value, ignoreCase: true)),
                $"{Guide}'s roles table lists {row.Groups["operation"].Value} twice.");
        }
        return table;
    }

    [GeneratedRegex(@"^\| `(?<operation>(GET|POST|PUT|PATCH|DELETE) /api/v1/orgs/\{org\}[^`]*)` \| (?<role>viewer|member|admin|owner)\b")]
    private static partial Regex RoleRow();

    /// <summary>One run of the guide's examples against a silo logging at Debug, with every line it wrote and the secrets used.</summary>
    public sealed class GuideRun : IAsyncLifetime
    {
        /// <summary>Appended to the examples: writes the credentials and secrets they hold to a file, printing nothing.</summary>
        private const string SecretsTrailer = """
            {
              jq -r '.accessToken, .refreshToken' <<< "$LOGIN"
              jq -r '.accessToken, .refreshToken' <<< "$NEXT"
              jq -r .key <<< "$KEY"
              printf '%s\n' "${VIC#Authorization: Bearer }" "$SECRET" "$CHANNEL_SECRET" "${KEY_HEX}"
            } > secrets.txt
            """;

        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public string Script { get; private set; } = "";

        public (int ExitCode, string Stdout, string Stderr) Result { get; private set; }

        public IReadOnlyList<string> LogLines => [.. _lines];

        public IReadOnlyList<string> Secrets { get; private set; } = [];

        public async Task InitializeAsync()
        {
            Script = string.Concat(ShellExamples.Blocks(Guide, "```sh api-guide"));
            Assert.Contains("HOOK_PORT=9000", Script);
            // The guide asks for a silo that lets webhooks reach a receiver on the same machine.
            var settings = new Dictionary<string, string>
            {
                ["Granary__Webhooks__AllowedTargets__0"] = "127.0.0.1",
                ["Logging__LogLevel__Default"] = "Debug",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
                ["Logging__LogLevel__Orleans"] = "Information",
            };
            await using var silo = SiloProcess.Start("api-guide", settings, environmentName: "Development");
            silo.LineWritten += _lines.Enqueue;
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
            var run = Script.Replace("localhost:8080", $"127.0.0.1:{silo.HttpPort}", StringComparison.Ordinal)
                .Replace("HOOK_PORT=9000", $"HOOK_PORT={LoopbackPorts.Free()}", StringComparison.Ordinal);
            Result = await ShellExamples.RunBashAsync("set -euo pipefail\n" + run + SecretsTrailer, silo.WorkingDirectory, TimeSpan.FromSeconds(120));
            var written = Path.Combine(silo.WorkingDirectory, "secrets.txt");
            var passwords = PasswordInBody().Matches(Script).Select(m => m.Groups["password"].Value);
            Secrets = [.. (File.Exists(written) ? await File.ReadAllLinesAsync(written) : []).Concat(passwords).Where(s => s.Length >= 8 && s != "null").Distinct()];
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    [GeneratedRegex(@"""password"":""(?<password>[^""]+)""")]
    private static partial Regex PasswordInBody();
}
