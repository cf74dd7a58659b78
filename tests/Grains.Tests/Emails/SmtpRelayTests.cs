using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Granary.Grains.Emails;
using Granary.Testing.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Emails;

/// <summary>
/// The SMTP sender against a relay as production has one: STARTTLS with a self-signed certificate and SMTP AUTH
/// (a real SMTP server on a socket, the test sink, with TLS and sign-in on), and a server that never answers.
/// </summary>
public sealed class SmtpRelayTests : IAsyncLifetime
{
    private const string User = "relay-user";
    private const string Password = "relay-password-7";

    private readonly X509Certificate2 _certificate = SelfSigned();
    private SmtpSink _relay = null!;

    public Task InitializeAsync()
    {
        _relay = new SmtpSink(certificate: _certificate, credentials: (User, Password));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task StartTlsAndSignIn_WithThePinnedCertificate_DeliversOverTlsAsTheUser()
    {
        await Sender(_relay, o => o.Security = EmailSecurity.StartTls).SendAsync(Message());

        var received = Assert.Single(_relay.Messages);
        Assert.True(received.OverTls, "the message came after STARTTLS");
        Assert.Equal(User, received.SignedInAs);
        Assert.Equal(["ada@example.com"], received.Recipients);
    }

    [Fact]
    public async Task Auto_UsesStartTlsWhenOffered_BeforeSigningIn()
    {
        await Sender(_relay).SendAsync(Message());

        var received = Assert.Single(_relay.Messages);
        Assert.True(received.OverTls);
        Assert.Equal(User, received.SignedInAs);
    }

    [Fact]
    public async Task ACertificateThatIsNeitherTrustedNorPinned_FailsTheSend()
    {
        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender(_relay, o => o.ServerCertificateThumbprint = null).SendAsync(Message()));

        Assert.Contains("TLS failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("Granary:Email:ServerCertificateThumbprint", error.Message, StringComparison.Ordinal);
        Assert.Empty(_relay.Messages);
    }

    [Fact]
    public async Task AWrongPassword_FailsWithTheServersRefusal()
    {
        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender(_relay, o => o.Password = "not it").SendAsync(Message()));

        Assert.Contains("refused the sign-in", error.Message, StringComparison.Ordinal);
        // MailKit tries each mechanism the relay offers (PLAIN, then LOGIN) before giving up.
        Assert.InRange(_relay.FailedSignIns, 1, 2);
        Assert.Empty(_relay.Messages);
    }

    [Fact]
    public async Task Credentials_AreNotSentToAServerWithoutTls_UnlessSecurityIsNone()
    {
        await using var plain = new SmtpSink(credentials: (User, Password));

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender(plain).SendAsync(Message()));
        Assert.Contains("offers no TLS", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, plain.FailedSignIns);
        Assert.Empty(plain.Messages);

        await Sender(plain, o => o.Security = EmailSecurity.None).SendAsync(Message());
        var received = Assert.Single(plain.Messages);
        Assert.False(received.OverTls);
        Assert.Equal(User, received.SignedInAs);
    }

    [Fact]
    public async Task RequiredStartTls_AgainstAServerWithoutIt_FailsTheSend()
    {
        await using var plain = new SmtpSink();

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender(plain, o => (o.Security, o.UserName) = (EmailSecurity.StartTls, null)).SendAsync(Message()));

        Assert.Contains($"127.0.0.1:{plain.Port}", error.Message, StringComparison.Ordinal);
        Assert.Empty(plain.Messages);
    }

    [Fact]
    public async Task AServerThatNeverAnswers_FailsWithinTheTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var sender = Sender(_relay, o => (o.Port, o.Timeout) = (port, TimeSpan.FromSeconds(1)));
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<EmailSendException>(() => sender.SendAsync(Message()));

        Assert.Contains("did not finish the conversation within 00:00:01", error.Message, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    private static EmailMessage Message() => new("ada@example.com", "Hi", "Hello", "<p>Hello</p>");

    private SmtpEmailSender Sender(SmtpSink sink, Action<EmailOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.Configure<EmailOptions>(o =>
        {
            o.Host = sink.Host;
            o.Port = sink.Port;
            o.Timeout = TimeSpan.FromSeconds(10);
            o.UserName = User;
            o.Password = Password;
            o.ServerCertificateThumbprint = _certificate.GetCertHashString(HashAlgorithmName.SHA256);
            configure?.Invoke(o);
        });
        services.AddSingleton<SmtpEmailSender>();
        return services.BuildServiceProvider().GetRequiredService<SmtpEmailSender>();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
