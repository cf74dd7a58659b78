using System.Net;
using System.Text.RegularExpressions;
using Granary.Cluster.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Granary.Cluster.Tests;

/// <summary>
/// The Orleans Dashboard as an operator sees it, in a real browser (Playwright driving Debian's chromium) against three
/// silo processes: the operator signs in and the overview counts three active silos; after orders were created the
/// grains page lists the order grain's activations and the reminders page the orders' auto-cancel reminders; a
/// visitor without the credential is refused. Screenshots of each page are kept beside the test results.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Operator = "operator";
    private const string OperatorPassword = "dashboard-browser-test";
    private static readonly float PageTimeout = 30_000;

    [Fact]
    public async Task Operator_SeesThreeSilos_TheOrderGrainAndItsReminders_AndAnonymousIsRefused()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing (Debian: apt-get install chromium; scripts/test.sh installs it).");
        await using var cluster = await SiloCluster.StartAsync(3, DetectionTimings.Defaults, new Dictionary<string, string>
        {
            ["Granary:Dashboard:Username"] = Operator,
            ["Granary:Dashboard:Password"] = OperatorPassword,
        }, withTestSilo: false);
        var silo = cluster.Running[0];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ["--no-sandbox", "--disable-gpu"] });

        // A visitor without the credential gets the sign-in challenge (headless chromium gives up on it), never the page.
        await using (var anonymous = await browser.NewContextAsync())
        {
            var dashboard = new Uri(silo.BaseAddress, "/dashboard/").ToString();
            var visitor = await anonymous.NewPageAsync();
            var navigation = await Assert.ThrowsAsync<PlaywrightException>(() => visitor.GotoAsync(dashboard));
            Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", navigation.Message);
            var refused = await anonymous.APIRequest.GetAsync(dashboard);
            Assert.Equal((int)HttpStatusCode.Unauthorized, refused.Status);
            Assert.StartsWith("Basic", refused.Headers["www-authenticate"], StringComparison.Ordinal);
            Assert.DoesNotContain("Orleans Dashboard", await refused.TextAsync());
        }

        await using var context = await browser.NewContextAsync(new() { HttpCredentials = new() { Username = Operator, Password = OperatorPassword } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(PageTimeout);
        var shots = ScreenshotFolder();

        var overview = await page.GotoAsync(new Uri(silo.BaseAddress, "/dashboard/").ToString());
        Assert.Equal((int)HttpStatusCode.OK, overview!.Status);
        var active = await WaitForTextAsync(page, ActiveSilos(), m => m.Groups["count"].Value == "3", "the overview counting three active silos");
        Assert.Equal("3", active.Groups["count"].Value);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-overview.png"), FullPage = true });

        // Traffic through another silo: an organization with orders (each a grain with an auto-cancel reminder).
        using var client = cluster.Running[1].CreateClient();
        var owner = await ApiSession.LoginAsync(client, $"dash-{cluster.RunId}@example.com", "correct horse battery", register: true);
        var org = (await owner.PostJsonAsync("/api/v1/orgs", new { name = "Dashboard", slug = $"dash-{cluster.RunId}" })).GetProperty("id").GetString();
        for (var i = 0; i < 3; i++)
        {
            await owner.PostJsonAsync($"/api/v1/orgs/{org}/orders", new
            {
                lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 5.0m } },
                currency = "EUR",
                customer = new { email = "buyer@example.com" },
                shippingAddress = new { line1 = "1 Main St", city = "Lyon", postalCode = "69001", country = "FR" },
            }, idempotencyKey: $"dash-{i}");
        }

        await page.GotoAsync(new Uri(silo.BaseAddress, "/dashboard/#/grains").ToString());
        var orders = await WaitForTextAsync(page, OrderGrainRow(), m => int.Parse(m.Groups["activations"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1,
            "the grains page listing OrderGrain activations");
        Assert.True(int.Parse(orders.Groups["activations"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-grains.png"), FullPage = true });

        await page.GotoAsync(new Uri(silo.BaseAddress, "/dashboard/#/reminders").ToString());
        var reminders = await WaitForTextAsync(page, AutoCancelReminder(), m => true, "the reminders page listing an order's auto-cancel reminder");
        Assert.StartsWith("order/" + org, reminders.Groups["grain"].Value, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-reminders.png"), FullPage = true });
    }

    /// <summary>Polls the page's text (the dashboard refreshes itself every second or so) until <paramref name="pattern"/> matches as <paramref name="accept"/> wants.</summary>
    private static async Task<Match> WaitForTextAsync(IPage page, Regex pattern, Func<Match, bool> accept, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(PageTimeout);
        var text = "";
        while (DateTime.UtcNow < deadline)
        {
            text = await page.InnerTextAsync("body");
            if (pattern.Match(text) is { Success: true } match && accept(match))
            {
                return match;
            }
            await Task.Delay(500);
        }
        Assert.Fail($"Never saw {what} within {PageTimeout / 1000} s. The page said:\n{text}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Where screenshots go: beside the TRX files of scripts/test.sh (GRANARY_TEST_ARTIFACTS), else artifacts/screenshots.</summary>
    private static string ScreenshotFolder()
    {
        var root = Environment.GetEnvironmentVariable("GRANARY_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot.Path, "artifacts");
        return Directory.CreateDirectory(Path.Combine(root, "screenshots")).FullName;
    }

    [GeneratedRegex(@"ACTIVE SILOS\s+(?<count>\d+)")]
    private static partial Regex ActiveSilos();

    [GeneratedRegex(@"OrderGrain\s+(?<activations>\d+)")]
    private static partial Regex OrderGrainRow();

    [GeneratedRegex(@"(?<grain>order/\S+)\s+\S+\s+auto-cancel")]
    private static partial Regex AutoCancelReminder();
}
