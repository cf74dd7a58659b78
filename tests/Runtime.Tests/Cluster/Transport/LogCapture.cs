using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Tests.Cluster.Transport;

/// <summary>Keeps every log entry so tests can assert on event ids and messages.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Message)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, int EventId, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>Waits (up to 10 s) for an entry with <paramref name="eventId"/> and returns its message.</summary>
    public async Task<string> WaitForAsync(int eventId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            foreach (var entry in _entries)
            {
                if (entry.EventId == eventId)
                {
                    return entry.Message;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No log entry with event id {eventId} within 10 s; logged: {string.Join(" | ", _entries.Select(e => $"{e.EventId} {e.Message}"))}");
            }
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}
