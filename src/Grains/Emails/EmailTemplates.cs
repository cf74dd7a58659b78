using System.Collections.Concurrent;
using System.Net;

namespace Granary.Grains.Emails;

/// <summary>
/// The email templates embedded in this assembly (Emails/Templates/NAME.txt and NAME.html; the placeholders of each
/// are listed in Emails/Templates/README.md). The first line of the .txt file is <c>Subject: …</c>; the rest is the
/// plain-text body. Values are HTML-encoded in the HTML body only; a placeholder without a value is an
/// <see cref="EmailTemplateException"/>, never a blank.
/// </summary>
public static class EmailTemplates
{
    private const string SubjectPrefix = "Subject:";
    private static readonly ConcurrentDictionary<EmailTemplate, Parsed> Cache = new();

    /// <summary>
    /// Renders <paramref name="template"/> with <paramref name="values"/> (extra values are ignored). The message's
    /// <see cref="EmailMessage.To"/> is empty: the caller sets it.
    /// </summary>
    /// <exception cref="EmailTemplateException">A placeholder of the template has no value; the message names every one.</exception>
    public static EmailMessage Render(EmailTemplate template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var parsed = Load(template);
        var missing = parsed.Placeholders.Where(name => !values.TryGetValue(name, out var value) || value is null).ToList();
        if (missing.Count > 0)
        {
            throw new EmailTemplateException(
                $"Email template '{FileName(template)}' has no value for {string.Join(", ", missing.Select(m => $"{{{{{m}}}}}"))}.");
        }
        return new EmailMessage(
            "",
            parsed.Subject.Render(values, OneLine),
            parsed.Text.Render(values, static v => v),
            parsed.Html.Render(values, WebUtility.HtmlEncode));
    }

    /// <summary>Every placeholder <paramref name="template"/> uses (subject and both bodies), in order of first use.</summary>
    public static IReadOnlyList<string> Placeholders(EmailTemplate template) => Load(template).Placeholders;

    /// <summary>The file name of a template's resources, without extension (e.g. "order-confirmation").</summary>
    public static string FileName(EmailTemplate template) => template switch
    {
        EmailTemplate.Welcome => "welcome",
        EmailTemplate.OrderConfirmation => "order-confirmation",
        EmailTemplate.OrderShipped => "order-shipped",
        EmailTemplate.DailySummary => "daily-summary",
        EmailTemplate.WebhookEndpointDisabled => "webhook-endpoint-disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(template), template, "Unknown email template."),
    };

    /// <summary>A subject is one header line: line breaks in a value would end it (or inject headers).</summary>
    private static string OneLine(string value) => value.ReplaceLineEndings(" ");

    private static Parsed Load(EmailTemplate template) => Cache.GetOrAdd(template, static t =>
    {
        var name = FileName(t);
        var text = ReadResource($"{name}.txt").ReplaceLineEndings("\n");
        var firstBreak = text.IndexOf('\n', StringComparison.Ordinal);
        var firstLine = firstBreak < 0 ? text : text[..firstBreak];
        if (!firstLine.StartsWith(SubjectPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Email template '{name}.txt' must start with a '{SubjectPrefix} …' line.");
        }
        var body = firstBreak < 0 ? "" : text[(firstBreak + 1)..].TrimStart('\n');
        return new Parsed(
            new TemplateText(firstLine[SubjectPrefix.Length..].Trim()),
            new TemplateText(body),
            new TemplateText(ReadResource($"{name}.html")));
    });

    private static string ReadResource(string fileName)
    {
        var resource = $"Granary.Grains.Emails.Templates.{fileName}";
        using var stream = typeof(EmailTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Email template resource '{resource}' is missing from {typeof(EmailTemplates).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record Parsed(TemplateText Subject, TemplateText Text, TemplateText Html)
    {
        public IReadOnlyList<string> Placeholders { get; } = [.. Subject.Placeholders.Concat(Text.Placeholders).Concat(Html.Placeholders).Distinct(StringComparer.Ordinal)];
    }
}
