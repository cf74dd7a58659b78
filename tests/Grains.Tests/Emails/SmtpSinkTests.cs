using System.Net.Sockets;
using System.Text;
using Granary.Testing.Smtp;

namespace Granary.Grains.Tests.Emails;

/// <summary>The test SMTP sink speaks enough SMTP, spoken here by hand over a socket.</summary>
public sealed class SmtpSinkTests
{
    [Fact]
    public async Task Conversation_RecordsTheMessage_WithDotsUnstuffed()
    {
        await using var sink = new SmtpSink();
        using var client = new TcpClient();
        await client.ConnectAsync(sink.Host, sink.Port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        var writer = new StreamWriter(client.GetStream(), Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };

        async Task<string> Say(string line)
        {
            await writer.WriteLineAsync(line);
            return (await reader.ReadLineAsync())!;
        }

        Assert.StartsWith("220 ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await Say("HELO tester"), StringComparison.Ordinal);
        Assert.StartsWith("503 ", await Say("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await Say("MAIL FROM:<a@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await Say("RSET"), StringComparison.Ordinal);
        Assert.StartsWith("503 ", await Say("RCPT TO:<b@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await Say("MAIL FROM:<a@example.com> SIZE=100"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await Say("RCPT TO:<b@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await Say("RCPT TO:<c@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("354 ", await Say("DATA"), StringComparison.Ordinal);
        await writer.WriteLineAsync("Subject: =?utf-8?B?Wm/Dqw==?= =?utf-8?Q?_=E2=9C=93?=");
        await writer.WriteLineAsync("");
        await writer.WriteLineAsync("..leading dot");
        Assert.StartsWith("250 ", await Say("."), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await Say("NOOP"), StringComparison.Ordinal);
        Assert.StartsWith("502 ", await Say("VRFY b"), StringComparison.Ordinal);
        Assert.StartsWith("221 ", await Say("QUIT"), StringComparison.Ordinal);

        var message = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.Equal("a@example.com", message.From);
        Assert.Equal(["b@example.com", "c@example.com"], message.Recipients);
        Assert.Equal("Subject: =?utf-8?B?Wm/Dqw==?= =?utf-8?Q?_=E2=9C=93?=\r\n\r\n.leading dot\r\n", message.Data);
        Assert.Equal("Zoë ✓", message.Subject);
        Assert.Equal(".leading dot\r\n", message.TextBody);
    }

    [Fact]
    public async Task RejectNext_Answers451_ThenAcceptsAgain()
    {
        await using var sink = new SmtpSink();
        sink.RejectNext(1);

        Assert.StartsWith("451 ", await SendAsync(sink), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await SendAsync(sink), StringComparison.Ordinal);

        Assert.Equal(1, sink.RejectedCount);
        Assert.Single(sink.Messages);
    }

    [Fact]
    public async Task MessageOverTheCap_IsRefusedWith552()
    {
        await using var sink = new SmtpSink(maxMessageBytes: 100);

        Assert.StartsWith("552 ", await SendAsync(sink, new string('x', 200)), StringComparison.Ordinal);

        Assert.Empty(sink.Messages);
    }

    /// <summary>One message over a new connection; the answer to its final dot.</summary>
    private static async Task<string> SendAsync(SmtpSink sink, string body = "hello")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(sink.Host, sink.Port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        var writer = new StreamWriter(client.GetStream(), Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await reader.ReadLineAsync();
        foreach (var line in new[] { "HELO t", "MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "DATA" })
        {
            await writer.WriteLineAsync(line);
            await reader.ReadLineAsync();
        }
        await writer.WriteLineAsync($"Subject: s\r\n\r\n{body}\r\n.");
        return (await reader.ReadLineAsync())!;
    }
}
