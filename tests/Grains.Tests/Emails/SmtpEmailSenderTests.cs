using Granary.Grains.Emails;
using Granary.Testing.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Emails;

/// <summary>The SMTP sender against a real SMTP server on a socket (the test sink).</summary>
public sealed class SmtpEmailSenderTests : IAsyncLifetime
{
    private readonly SmtpSink _sink = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sink.DisposeAsync();

    [Fact]
    public async Task Send_DeliversTheTextBodyWithAnHtmlAlternative()
    {
        var message = new EmailMessage("zoe@example.com", "Bienvenue, Zoë ✓", "Hello Zoë,\n.a line starting with a dot\nBye", "<p>Hello Zoë &amp; co</p>");

        await Sender(o => o.From = "Granary <no-reply@granary.test>").SendAsync(message);

        var received = Assert.Single(_sink.Messages);
        Assert.Equal("no-reply@granary.test", received.From);
        Assert.Equal(["zoe@example.com"], received.Recipients);
        Assert.Equal("Bienvenue, Zoë ✓", received.Subject);
        Assert.Equal(message.TextBody, received.TextBody!.ReplaceLineEndings("\n"));
        Assert.Equal(message.HtmlBody, received.HtmlBody!.ReplaceLineEndings("\n"));
        Assert.StartsWith("multipart/alternative", received.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains("Content-Transfer-Encoding: quoted-printable", received.Data, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Transfer-Encoding: base64", received.Data, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Send_WhenTheServerRefuses_FailsWithTheSmtpError()
    {
        _sink.RejectNext(1);

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender().SendAsync(Message()));

        Assert.Contains("451", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{_sink.Port}", error.Message, StringComparison.Ordinal);
        Assert.Empty(_sink.Messages);
        Assert.Equal(1, _sink.RejectedCount);
    }

    [Fact]
    public async Task Send_WhenNothingListens_FailsWithEmailSendException()
    {
        await _sink.StopAsync();

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender().SendAsync(Message()));

        Assert.Contains($"127.0.0.1:{_sink.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithoutHost_FailsAsNotConfigured()
    {
        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender(o => o.Host = "").SendAsync(Message()));

        Assert.Equal("SMTP is not configured (Granary:Email:Host)", error.Message);
    }

    private static EmailMessage Message() => new("ada@example.com", "Hi", "Hello", "<p>Hello</p>");

    private SmtpEmailSender Sender(Action<EmailOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.Configure<EmailOptions>(o =>
        {
            o.Host = _sink.Host;
            o.Port = _sink.Port;
            o.Timeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });
        services.AddSingleton<SmtpEmailSender>();
        return services.BuildServiceProvider().GetRequiredService<SmtpEmailSender>();
    }
}
