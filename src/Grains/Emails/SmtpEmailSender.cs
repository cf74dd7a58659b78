using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;

namespace Granary.Grains.Emails;

/// <summary>
/// Sends rendered messages over SMTP with MailKit, configured from <see cref="EmailOptions"/>: TLS on connect or
/// STARTTLS (<see cref="EmailSecurity"/>), SMTP AUTH, a certificate pinned by thumbprint when it doesn't chain to a
/// trusted root, and a bound on each step and on the whole conversation. A singleton: each send opens a connection of
/// its own (MailKit's client is not thread safe, and email jobs are few).
/// </summary>
public sealed class SmtpEmailSender(IOptionsMonitor<EmailOptions> options)
{
    /// <summary>The error of every send while no SMTP host is configured.</summary>
    public const string NotConfigured = "SMTP is not configured (Granary:Email:Host)";

    /// <summary>Sends <paramref name="message"/>: a plain-text body with an HTML alternative.</summary>
    /// <exception cref="EmailSendException">
    /// SMTP is not configured, the server refused or failed, TLS or sign-in failed, or the conversation timed out.
    /// </exception>
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new EmailSendException(NotConfigured);
        }
        var server = $"{settings.Host}:{settings.Port}";
        var mime = Compose(message, settings);

        using var client = new SmtpClient
        {
            Timeout = (int)Math.Clamp(settings.Timeout.TotalMilliseconds, 1, int.MaxValue),
            ServerCertificateValidationCallback = Validator(settings.ServerCertificateThumbprint),
        };
        // A network timeout is wall-clock time, so it is not taken from the silo's TimeProvider.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var security = settings.EffectiveSecurity;
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, SocketOptions(security, settings.Port), timeout.Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                if (!client.IsSecure && security != EmailSecurity.None)
                {
                    throw new EmailSendException(
                        $"SMTP server {server} offers no TLS; Granary doesn't send the password of Granary:Email:UserName unencrypted " +
                        "(set Granary:Email:Security to None to allow it, e.g. for a relay on the same host).");
                }
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", timeout.Token).ConfigureAwait(false);
            }
            await client.SendAsync(mime, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmailSendException($"SMTP server {server} did not finish the conversation within {settings.Timeout}.");
        }
        catch (TimeoutException)
        {
            throw new EmailSendException($"SMTP server {server} did not finish the conversation within {settings.Timeout}.");
        }
        catch (SmtpCommandException ex)
        {
            throw new EmailSendException($"SMTP server {server} failed: {(int)ex.StatusCode} {ex.StatusCode}: {ex.Message}", ex);
        }
        catch (MailKit.Security.AuthenticationException ex)
        {
            throw new EmailSendException($"SMTP server {server} refused the sign-in of Granary:Email:UserName: {ex.Message}", ex);
        }
        catch (SslHandshakeException ex)
        {
            throw new EmailSendException(
                $"SMTP server {server}: TLS failed ({Describe(ex)}); a self-signed certificate can be trusted with Granary:Email:ServerCertificateThumbprint.", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new EmailSendException($"SMTP server {server} does not support what Granary:Email asks for: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ProtocolException or ServiceNotConnectedException or InvalidOperationException)
        {
            throw new EmailSendException($"SMTP server {server} failed: {Describe(ex)}", ex);
        }
    }

    private static SecureSocketOptions SocketOptions(EmailSecurity security, int port) => security switch
    {
        EmailSecurity.None => SecureSocketOptions.None,
        EmailSecurity.StartTls => SecureSocketOptions.StartTls,
        EmailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
    };

    /// <summary>Normal validation, or, with a pinned thumbprint, exactly that certificate.</summary>
    private static RemoteCertificateValidationCallback? Validator(string? thumbprint)
    {
        if (string.IsNullOrWhiteSpace(thumbprint))
        {
            return null;
        }
        var pinned = thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        return (_, certificate, _, errors) => errors == SslPolicyErrors.None || (certificate is not null &&
            string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase));
    }

    private static MimeMessage Compose(EmailMessage message, EmailOptions settings)
    {
        if (!MailboxAddress.TryParse(settings.From, out var from) || !MailboxAddress.TryParse(message.To, out var to))
        {
            throw new EmailSendException($"Invalid address (From '{settings.From}' or To '{message.To}').");
        }
        var text = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        text.SetText(Encoding.UTF8, message.TextBody);
        // Quoted-printable keeps the text readable in the raw message; base64 copes with HTML's long lines.
        var html = new TextPart(TextFormat.Html) { ContentTransferEncoding = ContentEncoding.Base64 };
        html.SetText(Encoding.UTF8, message.HtmlBody);
        var mime = new MimeMessage([from], [to], message.Subject, new MultipartAlternative { text, html });
        return mime;
    }

    /// <summary>The message with its inner causes (socket errors come wrapped), which say what really happened.</summary>
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
