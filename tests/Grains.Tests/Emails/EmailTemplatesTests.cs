using Granary.Grains.Emails;

namespace Granary.Grains.Tests.Emails;

/// <summary>The embedded templates: every placeholder filled, values encoded in HTML only, missing values refused.</summary>
public sealed class EmailTemplatesTests
{
    public static TheoryData<EmailTemplate, string[]> Documented => new()
    {
        { EmailTemplate.Welcome, ["name"] },
        { EmailTemplate.OrderConfirmation, ["orderId", "lines", "total", "currency"] },
        { EmailTemplate.OrderShipped, ["orderId", "trackingNumber"] },
        { EmailTemplate.DailySummary, ["organizationName", "date", "ordersByStatus", "revenue"] },
        { EmailTemplate.WebhookEndpointDisabled, ["endpointUrl", "reason"] },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void Placeholders_AreTheDocumentedOnes(EmailTemplate template, string[] placeholders) =>
        Assert.Equal(placeholders.Order(StringComparer.Ordinal), EmailTemplates.Placeholders(template).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Documented))]
    public void Render_PutsEveryValueInBothBodies_AndLeavesNoPlaceholder(EmailTemplate template, string[] placeholders)
    {
        var values = placeholders.ToDictionary(p => p, p => $"value-of-{p}");

        var message = EmailTemplates.Render(template, values);

        Assert.Equal("", message.To);
        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        foreach (var (name, value) in values)
        {
            Assert.True(message.TextBody.Contains(value, StringComparison.Ordinal), $"The text body of {template} lacks {{{{{name}}}}}.");
            Assert.True(message.HtmlBody.Contains(value, StringComparison.Ordinal), $"The HTML body of {template} lacks {{{{{name}}}}}.");
        }
        Assert.DoesNotContain("{{", message.Subject + message.TextBody + message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Subject:", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OrderShipped_GivesTheSubjectFromTheFirstLine()
    {
        var message = EmailTemplates.Render(EmailTemplate.OrderShipped, new Dictionary<string, string> { ["orderId"] = "o-1", ["trackingNumber"] = "T1" });

        Assert.Equal("Order o-1 has shipped", message.Subject);
        Assert.StartsWith("Your order o-1 is on its way.", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HtmlEncodesValuesInTheHtmlBodyOnly()
    {
        const string Name = "<b>Tom & \"Jerry\"</b>";

        var message = EmailTemplates.Render(EmailTemplate.Welcome, new Dictionary<string, string> { ["name"] = Name });

        Assert.Contains("Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;,", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Name, message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"Hello {Name},", message.TextBody, StringComparison.Ordinal);
        Assert.Equal($"Welcome to Granary, {Name}", message.Subject);
    }

    [Fact]
    public void Render_FoldsLineBreaksOfSubjectValues_ButKeepsThemInTheBodies()
    {
        var message = EmailTemplates.Render(EmailTemplate.Welcome, new Dictionary<string, string> { ["name"] = "Ada\r\nBcc: evil@example.com" });

        Assert.Equal("Welcome to Granary, Ada Bcc: evil@example.com", message.Subject);
        Assert.Contains("Ada\r\nBcc", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MissingValues_FailNamingEachOne()
    {
        var values = new Dictionary<string, string> { ["orderId"] = "o-1", ["unused"] = "x" };

        var error = Assert.Throws<EmailTemplateException>(() => EmailTemplates.Render(EmailTemplate.OrderConfirmation, values));

        Assert.Equal("Email template 'order-confirmation' has no value for {{lines}}, {{total}}, {{currency}}.", error.Message);
    }
}
