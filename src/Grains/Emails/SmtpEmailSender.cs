using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Emails;

/// <summary>
/// Sends rendered messages over SMTP with <see cref="SmtpClient"/>, configured from <see cref="EmailOptions"/>. A
/// singleton: each send uses a client of its own, because <see cref="SmtpClient"/> is not thread safe.
/// </summary>
public sealed class SmtpEmailSender(IOptionsMonitor<EmailOptions> options)
{
    /// <summary>The error of every send while no SMTP host is configured.</summary>
    public const string NotConfigured = "SMTP is not configured (Granary:Email:Host)";

    /// <summary>Sends <paramref name="message"/>: a plain-text body with an HTML alternative.</summary>
    /// <exception cref="EmailSendException">SMTP is not configured, the server refused or failed, or the conversation timed out.</exception>
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new EmailSendException(NotConfigured);
        }
        var server = $"{settings.Host}:{settings.Port}";

        using var mail = Compose(message, settings);
        using var client = new SmtpClient(settings.Host, settings.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = settings.UseTls,
            Timeout = (int)Math.Clamp(settings.Timeout.TotalMilliseconds, 1, int.MaxValue),
            Credentials = string.IsNullOrEmpty(settings.UserName) ? null : new NetworkCredential(settings.UserName, settings.Password),
        };

        // SmtpClient.Timeout only bounds synchronous sends; the async send is bounded by this token. A network
        // timeout is wall-clock time, so it is not taken from the silo's TimeProvider.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            await client.SendMailAsync(mail, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmailSendException($"SMTP server {server} did not finish the conversation within {settings.Timeout}.");
        }
        catch (SmtpException ex)
        {
            throw new EmailSendException($"SMTP server {server} failed: {(int)ex.StatusCode} {ex.StatusCode}: {Describe(ex)}", ex);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
        {
            throw new EmailSendException($"SMTP server {server} failed: {Describe(ex)}", ex);
        }
    }

    private static MailMessage Compose(EmailMessage message, EmailOptions settings)
    {
        MailAddress from, to;
        try
        {
            from = new MailAddress(settings.From);
            to = new MailAddress(message.To);
        }
        catch (FormatException ex)
        {
            throw new EmailSendException($"Invalid address (From '{settings.From}' or To '{message.To}'): {ex.Message}", ex);
        }

        var mail = new MailMessage(from, to)
        {
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            Body = message.TextBody,
            BodyEncoding = Encoding.UTF8,
            // Quoted-printable keeps the text readable in the raw message; base64 copes with HTML's long lines.
            BodyTransferEncoding = TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        var html = AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.Base64;
        mail.AlternateViews.Add(html);
        return mail;
    }

    /// <summary>The message with its inner causes (SmtpClient wraps socket errors), which say what really happened.</summary>
    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null && parts.Count < 4; e = e.InnerException)
        {
            if (!parts.Contains(e.Message, StringComparer.Ordinal))
            {
                parts.Add(e.Message);
            }
        }
        return string.Join(" — ", parts);
    }
}
