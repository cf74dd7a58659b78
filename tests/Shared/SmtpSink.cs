using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Granary.Testing.Smtp;

/// <summary>
/// A small real SMTP server on 127.0.0.1 (a free port) that records every message it accepts, for tests of code
/// that sends email over a socket. It speaks EHLO/HELO, MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET, NOOP
/// and QUIT; with a certificate, STARTTLS; with credentials, AUTH PLAIN and LOGIN (and mail only after signing in).
/// <see cref="RejectNext"/> makes it answer 451 to the next messages (a temporary
/// failure, to test retries); <see cref="StopAsync"/> closes it (connections refused). Bounded: each conversation
/// ends after <see cref="SessionTimeout"/>, lines and messages have a size cap, disposal cancels everything.
/// Shared by the test projects that send email (linked source, one copy).
/// </summary>
internal sealed partial class SmtpSink : IAsyncDisposable
{
    /// <summary>How long one conversation may last before the sink hangs up.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(60);

    private const int MaxLineBytes = 8 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly int _maxMessageBytes;
    private readonly object _lock = new();
    private readonly List<SmtpSinkMessage> _messages = [];
    private readonly HashSet<Task> _sessions = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly X509Certificate2? _certificate;
    private readonly (string UserName, string Password)? _credentials;
    private int _toReject;
    private int _rejected;
    private int _failedSignIns;

    /// <summary>
    /// Starts listening at once; messages larger than <paramref name="maxMessageBytes"/> are refused with 552. With
    /// <paramref name="certificate"/> it offers STARTTLS; with <paramref name="credentials"/> it requires AUTH before MAIL.
    /// </summary>
    public SmtpSink(int maxMessageBytes = 1024 * 1024, X509Certificate2? certificate = null, (string UserName, string Password)? credentials = null)
    {
        _maxMessageBytes = maxMessageBytes;
        _certificate = certificate;
        _credentials = credentials;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The messages accepted (answered 250), in order.</summary>
    public IReadOnlyList<SmtpSinkMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>AUTH attempts answered 535 so far.</summary>
    public int FailedSignIns => Volatile.Read(ref _failedSignIns);

    /// <summary>Messages answered 451 so far.</summary>
    public int RejectedCount => Volatile.Read(ref _rejected);

    /// <summary>Answers 451 to the next <paramref name="messages"/> messages (int.MaxValue: until told otherwise; 0: accept again).</summary>
    public void RejectNext(int messages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messages);
        Volatile.Write(ref _toReject, messages);
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were accepted; fails naming what it waited for.</summary>
    public async Task<IReadOnlyList<SmtpSinkMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_messages.Count >= count)
                {
                    return [.. _messages];
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"The SMTP sink on port {Port} received {Messages.Count} message(s) within {limit}, expected {count}.");
            }
        }
    }

    /// <summary>Stops listening and hangs up every conversation; later connections are refused.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            _listener.Stop();
        }
        await _acceptLoop;
        Task[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions];
        }
        await Task.WhenAll(sessions);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }
            lock (_lock)
            {
                var session = ServeAsync(client);
                _sessions.Add(session);
                _ = session.ContinueWith(t => { lock (_lock) { _sessions.Remove(t); } }, TaskScheduler.Default);
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        await Task.Yield();
        using (client)
        using (var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            session.CancelAfter(SessionTimeout);
            var stream = client.GetStream();
            try
            {
                await ConverseAsync(new LineReader(stream, MaxLineBytes), stream, session.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or InvalidDataException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away, the sink stopped, or the client broke the protocol's limits: hang up.
            }
        }
    }

    private async Task ConverseAsync(LineReader reader, NetworkStream network, CancellationToken cancellationToken)
    {
        Stream stream = network;
        async Task Reply(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);

        await Reply($"220 {Host} Granary test SMTP sink ready");
        string? from = null;
        var recipients = new List<string>();
        var overTls = false;
        string? signedInAs = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var verb = (line.Length > 4 ? line[..4] : line).ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    var extensions = new List<string> { $"{Host} greets you", $"SIZE {_maxMessageBytes}" };
                    if (_certificate is not null && !overTls)
                    {
                        extensions.Add("STARTTLS");
                    }
                    if (_credentials is not null)
                    {
                        extensions.Add("AUTH PLAIN LOGIN");
                    }
                    await Reply(string.Join("\r\n", extensions.Select((e, i) => (i == extensions.Count - 1 ? "250 " : "250-") + e)));
                    break;
                case "HELO":
                    await Reply($"250 {Host}");
                    break;
                case "STAR" when line.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase) && _certificate is not null && !overTls:
                    await Reply("220 2.0.0 Ready to start TLS");
                    var tls = new SslStream(network, leaveInnerStreamOpen: true);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cancellationToken);
                    stream = tls;
                    reader = new LineReader(tls, MaxLineBytes);
                    overTls = true;
                    (from, signedInAs) = (null, null);
                    recipients.Clear();
                    break;
                case "AUTH" when _credentials is not null:
                    signedInAs = await SignInAsync(line, reader, Reply, cancellationToken);
                    await Reply(signedInAs is null ? "535 5.7.8 Authentication credentials invalid" : "235 2.7.0 Authentication successful");
                    if (signedInAs is null)
                    {
                        Interlocked.Increment(ref _failedSignIns);
                    }
                    break;
                case "MAIL" when line.StartsWith("MAIL FROM:", StringComparison.OrdinalIgnoreCase):
                    if (_credentials is not null && signedInAs is null)
                    {
                        await Reply("530 5.7.0 Authentication required");
                        break;
                    }
                    from = Path(line["MAIL FROM:".Length..]);
                    recipients.Clear();
                    await Reply("250 2.1.0 OK");
                    break;
                case "RCPT" when line.StartsWith("RCPT TO:", StringComparison.OrdinalIgnoreCase):
                    if (from is null)
                    {
                        await Reply("503 5.5.1 MAIL FROM first");
                        break;
                    }
                    recipients.Add(Path(line["RCPT TO:".Length..]));
                    await Reply("250 2.1.5 OK");
                    break;
                case "DATA":
                    if (from is null || recipients.Count == 0)
                    {
                        await Reply("503 5.5.1 MAIL FROM and RCPT TO first");
                        break;
                    }
                    await Reply("354 End data with <CR><LF>.<CR><LF>");
                    await Reply(await ReceiveAsync(reader, from, recipients, overTls, signedInAs, cancellationToken));
                    from = null;
                    recipients = [];
                    break;
                case "RSET":
                    from = null;
                    recipients.Clear();
                    await Reply("250 2.0.0 OK");
                    break;
                case "NOOP":
                    await Reply("250 2.0.0 OK");
                    break;
                case "QUIT":
                    await Reply("221 2.0.0 Bye");
                    return;
                default:
                    await Reply("502 5.5.2 Command not implemented");
                    break;
            }
        }
    }

    /// <summary>AUTH PLAIN (with or without an initial response) or AUTH LOGIN; the user signed in, or null.</summary>
    private async Task<string?> SignInAsync(string line, LineReader reader, Func<string, Task> reply, CancellationToken cancellationToken)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
        async Task<string> Ask(string prompt)
        {
            await reply("334 " + Convert.ToBase64String(Encoding.ASCII.GetBytes(prompt)));
            return await reader.ReadLineAsync(cancellationToken) ?? "";
        }
        static string Decode(string base64)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
            }
            catch (FormatException)
            {
                return "";
            }
        }

        string user, password;
        switch (mechanism)
        {
            case "PLAIN":
                var response = parts.Length > 2 ? parts[2] : await Ask("");
                var fields = Decode(response).Split('\0');
                if (fields.Length != 3)
                {
                    return null;
                }
                (user, password) = (fields[1], fields[2]);
                break;
            case "LOGIN":
                user = Decode(parts.Length > 2 ? parts[2] : await Ask("Username:"));
                password = Decode(await Ask("Password:"));
                break;
            default:
                return null;
        }
        return _credentials is { } expected && user == expected.UserName && password == expected.Password ? user : null;
    }

    /// <summary>Reads the message up to the lone dot, undoing dot-stuffing; returns the reply to send.</summary>
    private async Task<string> ReceiveAsync(LineReader reader, string from, List<string> recipients, bool overTls, string? signedInAs, CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        var tooLarge = false;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("The client hung up inside DATA.");
            if (line == ".")
            {
                break;
            }
            if (line.StartsWith('.'))
            {
                line = line[1..];
            }
            tooLarge |= data.Length + line.Length + 2 > _maxMessageBytes;
            if (!tooLarge)
            {
                data.Append(line).Append("\r\n");
            }
        }

        if (tooLarge)
        {
            return $"552 5.3.4 Message larger than {_maxMessageBytes} bytes";
        }
        if (TryTakeRejection())
        {
            Interlocked.Increment(ref _rejected);
            return "451 4.3.0 Temporary failure, try again later (test sink)";
        }
        lock (_lock)
        {
            _messages.Add(new SmtpSinkMessage(from, [.. recipients], data.ToString(), overTls, signedInAs));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return "250 2.0.0 Accepted";
    }

    private bool TryTakeRejection()
    {
        while (true)
        {
            var left = Volatile.Read(ref _toReject);
            if (left == 0)
            {
                return false;
            }
            var next = left == int.MaxValue ? left : left - 1;
            if (Interlocked.CompareExchange(ref _toReject, next, left) == left)
            {
                return true;
            }
        }
    }

    /// <summary>"&lt;a@b&gt; SIZE=123" → "a@b".</summary>
    private static string Path(string argument)
    {
        var path = argument.Trim();
        var space = path.IndexOf(' ', StringComparison.Ordinal);
        path = space < 0 ? path : path[..space];
        return path.Trim('<', '>');
    }

    /// <summary>Reads CRLF (or LF) terminated lines as Latin-1, so every byte of the message survives as one char.</summary>
    private sealed class LineReader(Stream stream, int maxLineBytes)
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await stream.ReadAsync(_buffer, cancellationToken);
                    if (_end == 0)
                    {
                        return line.Count == 0 ? null : throw new IOException("The client hung up inside a line.");
                    }
                }
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                var stop = newline < 0 ? _end : newline;
                line.AddRange(_buffer.AsSpan(_start, stop - _start));
                _start = newline < 0 ? _end : newline + 1;
                if (line.Count > maxLineBytes)
                {
                    throw new InvalidDataException($"A line longer than {maxLineBytes} bytes.");
                }
                if (newline >= 0)
                {
                    var length = line.Count > 0 && line[^1] == '\r' ? line.Count - 1 : line.Count;
                    return Encoding.Latin1.GetString([.. line], 0, length);
                }
            }
        }
    }
}

/// <summary>
/// One message the <see cref="SmtpSink"/> accepted: the envelope and the raw data (Latin-1, CRLF lines), with the
/// subject and the text and HTML parts decoded (RFC 2047 encoded words; base64 and quoted-printable bodies).
/// </summary>
internal sealed partial class SmtpSinkMessage(string from, IReadOnlyList<string> recipients, string data, bool overTls = false, string? signedInAs = null)
{
    /// <summary>The message came after STARTTLS.</summary>
    public bool OverTls { get; } = overTls;

    /// <summary>The user the client signed in as (AUTH), or null.</summary>
    public string? SignedInAs { get; } = signedInAs;

    private MimeEntity? _entity;

    /// <summary>The envelope sender (MAIL FROM).</summary>
    public string From { get; } = from;

    /// <summary>The envelope recipients (RCPT TO), in order.</summary>
    public IReadOnlyList<string> Recipients { get; } = recipients;

    /// <summary>Headers and body as received, dots unstuffed, lines ending in CRLF.</summary>
    public string Data { get; } = data;

    private MimeEntity Entity => _entity ??= MimeEntity.Parse(Data);

    /// <summary>The first header of that name, unfolded and decoded; null when absent.</summary>
    public string? Header(string name) =>
        Entity.Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { } value ? DecodeWords(value) : null;

    public string? Subject => Header("Subject");

    /// <summary>The first text/plain part, decoded.</summary>
    public string? TextBody => Entity.Find("text/plain")?.DecodedBody();

    /// <summary>The first text/html part, decoded.</summary>
    public string? HtmlBody => Entity.Find("text/html")?.DecodedBody();

    /// <summary>Decodes RFC 2047 words ("=?utf-8?B?…?=", "=?utf-8?Q?…?="); adjacent words are joined before decoding, as a character may span two.</summary>
    private static string DecodeWords(string value)
    {
        var result = new StringBuilder();
        var pending = new List<byte>();
        string? pendingCharset = null;
        var last = 0;
        foreach (Match word in EncodedWord().Matches(value))
        {
            var gap = value[last..word.Index];
            var charset = word.Groups["charset"].Value;
            if (!(pendingCharset is not null && string.IsNullOrWhiteSpace(gap) && charset.Equals(pendingCharset, StringComparison.OrdinalIgnoreCase)))
            {
                Flush();
                result.Append(gap);
            }
            pendingCharset = charset;
            var text = word.Groups["text"].Value;
            pending.AddRange(word.Groups["encoding"].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(text)
                : MimeEntity.QuotedPrintableBytes(text.Replace('_', ' ')));
            last = word.Index + word.Length;
        }
        Flush();
        return result.Append(value[last..]).ToString();

        void Flush()
        {
            if (pendingCharset is not null)
            {
                result.Append(Encoding.GetEncoding(pendingCharset).GetString([.. pending]));
            }
            pending.Clear();
            pendingCharset = null;
        }
    }

    [GeneratedRegex(@"=\?(?<charset>[^?*]+)(\*[^?]*)?\?(?<encoding>[BbQq])\?(?<text>[^?]*)\?=", RegexOptions.CultureInvariant)]
    private static partial Regex EncodedWord();

    /// <summary>A MIME entity: headers and a body, or parts when multipart.</summary>
    private sealed class MimeEntity
    {
        private MimeEntity(List<(string Name, string Value)> headers, string body)
        {
            Headers = headers;
            Body = body;
            var type = Header("Content-Type") ?? "text/plain; charset=us-ascii";
            MediaType = type.Split(';')[0].Trim().ToLowerInvariant();
            Charset = Parameter(type, "charset") ?? "us-ascii";
            Parts = MediaType.StartsWith("multipart/", StringComparison.Ordinal) && Parameter(type, "boundary") is { } boundary
                ? [.. Split(body, boundary).Select(Parse)]
                : [];
        }

        public List<(string Name, string Value)> Headers { get; }

        public string Body { get; }

        public string MediaType { get; }

        public string Charset { get; }

        public List<MimeEntity> Parts { get; }

        public static MimeEntity Parse(string raw)
        {
            var end = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = end < 0 ? raw : raw[..end];
            var body = end < 0 ? "" : raw[(end + 4)..];
            var headers = new List<(string Name, string Value)>();
            foreach (var line in head.Split("\r\n"))
            {
                if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
                {
                    headers[^1] = (headers[^1].Name, headers[^1].Value + line);
                }
                else if (line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
                }
            }
            return new MimeEntity(headers, body);
        }

        public MimeEntity? Find(string mediaType) =>
            MediaType == mediaType && Parts.Count == 0 ? this : Parts.Select(p => p.Find(mediaType)).FirstOrDefault(p => p is not null);

        public string DecodedBody()
        {
            var bytes = (Header("Content-Transfer-Encoding") ?? "7bit").ToLowerInvariant() switch
            {
                "base64" => Convert.FromBase64String(string.Concat(Body.Where(c => !char.IsWhiteSpace(c)))),
                "quoted-printable" => QuotedPrintableBytes(Body.Replace("=\r\n", "", StringComparison.Ordinal)),
                _ => Encoding.Latin1.GetBytes(Body),
            };
            return Encoding.GetEncoding(Charset).GetString(bytes);
        }

        /// <summary>"=XX" escapes to bytes, other chars as they are (soft line breaks already removed).</summary>
        public static byte[] QuotedPrintableBytes(string text)
        {
            var bytes = new List<byte>(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
                {
                    bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    bytes.Add((byte)text[i]);
                }
            }
            return [.. bytes];
        }

        private string? Header(string name) =>
            Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        private static string? Parameter(string headerValue, string name) =>
            headerValue.Split(';').Skip(1)
                .Select(p => p.Trim().Split('=', 2))
                .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                .Select(p => p[1].Trim().Trim('"'))
                .FirstOrDefault();

        /// <summary>The parts between "--boundary" lines, up to "--boundary--".</summary>
        private static IEnumerable<string> Split(string body, string boundary)
        {
            var delimiter = "--" + boundary;
            var lines = body.Split("\r\n");
            List<string>? part = null;
            foreach (var line in lines)
            {
                if (line == delimiter || line == delimiter + "--")
                {
                    if (part is not null)
                    {
                        yield return string.Join("\r\n", part);
                    }
                    if (line != delimiter)
                    {
                        yield break;
                    }
                    part = [];
                }
                else
                {
                    part?.Add(line);
                }
            }
        }
    }
}
