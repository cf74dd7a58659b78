using System.Text;
using System.Threading.Channels;
using Granary.Runtime.Cluster.Transport;

namespace Granary.Runtime.Tests.Cluster.Transport;

/// <summary>A message handler made of a function, counting its calls.</summary>
internal sealed class TestHandler(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<byte[]>> handle) : ISiloMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Answers with the request's text in upper case.</summary>
    public static TestHandler UpperCase() => new((payload, _) => ValueTask.FromResult(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload.Span).ToUpperInvariant())));

    /// <summary>Answers with the request's bytes.</summary>
    public static TestHandler Echo() => new((payload, _) => ValueTask.FromResult(payload.ToArray()));

    public ValueTask<byte[]> HandleRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return handle(payload, cancellationToken);
    }
}

/// <summary>Records each request's text as it arrives, then holds it until <see cref="Release"/> lets it echo.</summary>
internal sealed class GatedHandler : ISiloMessageHandler
{
    private readonly Channel<string> _arrivals = Channel.CreateUnbounded<string>();
    private readonly SemaphoreSlim _gate = new(0);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void Release(int count = 1) => _gate.Release(count);

    /// <summary>The text of the next request to reach the handler.</summary>
    public async Task<string> NextArrivalAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _arrivals.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No request reached the handler within 10 s ({Calls} so far).");
        }
    }

    public async ValueTask<byte[]> HandleRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(payload.Span);
        Interlocked.Increment(ref _calls);
        _arrivals.Writer.TryWrite(text);
        await _gate.WaitAsync(cancellationToken);
        return Encoding.UTF8.GetBytes(text);
    }
}
