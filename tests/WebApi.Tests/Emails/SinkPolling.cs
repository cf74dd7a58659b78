using System.Text.RegularExpressions;
using Granary.Testing.Smtp;

namespace Granary.WebApi.Tests.Emails;

/// <summary>Waiting on the <see cref="SmtpSink"/> for one message in particular, with a deadline; reading its HTML as text.</summary>
internal static partial class SinkPolling
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The first accepted message that <paramref name="match"/> takes; fails after <see cref="Deadline"/> naming what
    /// was awaited and listing what arrived instead.
    /// </summary>
    public static async Task<SmtpSinkMessage> WaitForAsync(this SmtpSink sink, string what, Func<SmtpSinkMessage, bool> match)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var messages = sink.Messages;
            if (messages.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                var seen = messages.Count == 0 ? "none" : string.Join("; ", messages.Select(m => $"to {string.Join(",", m.Recipients)}: {m.Subject}"));
                throw new TimeoutException($"No {what} reached the SMTP sink within {Deadline}; messages accepted: {seen}.");
            }
            try
            {
                await sink.WaitForMessagesAsync(messages.Count + 1, TimeSpan.FromMilliseconds(250));
            }
            catch (TimeoutException)
            {
                // Nothing new yet; check the deadline and wait again.
            }
        }
    }

    /// <summary>The HTML part as a reader sees its text: tags removed, character references decoded.</summary>
    public static string HtmlText(this SmtpSinkMessage message) =>
        System.Net.WebUtility.HtmlDecode(Tag().Replace(
            message.HtmlBody ?? throw new InvalidOperationException($"The message '{message.Subject}' has no text/html part."), ""));

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
