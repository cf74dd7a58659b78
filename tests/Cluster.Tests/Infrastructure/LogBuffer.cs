using Microsoft.Extensions.Logging;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>Keeps the last log lines of the in-process Orleans client, to print when a test fails (xunit doesn't capture the console).</summary>
internal sealed class LogBuffer(string source) : ILoggerProvider
{
    private const int MaxLines = 2000;
    private readonly Queue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, $"{source} {categoryName}");

    public string Tail(int lines)
    {
        lock (_lines)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)));
        }
    }

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    private sealed class Logger(LogBuffer buffer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
            buffer.Add(exception is null ? line : $"{line} | {exception.GetType().Name}: {exception.Message}");
        }
    }
}
