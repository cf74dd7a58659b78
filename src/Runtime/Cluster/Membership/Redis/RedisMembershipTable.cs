using System.Globalization;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Granary.Runtime.Cluster.Membership.Redis;

/// <summary>
/// The membership table in Redis. Layout, with <c>{p}</c> the <see cref="RedisMembershipOptions.KeyPrefix"/> and
/// <c>{c}</c> the <see cref="RedisMembershipOptions.ClusterId"/>:
/// <list type="bullet">
/// <item><c>{p}:{c}:membership</c>: a hash; field <c>version</c> = the table version (an integer, missing = 0), and one
/// field per silo named by its address (<c>host:port@generation</c>) whose value is the row's JSON (see
/// <see cref="RedisMembershipRow"/>: address, silo name, HTTP port, status name, start time and suspicions in unix ms).</item>
/// <item><c>{p}:{c}:alive</c>: a hash; field = silo address, value = its last I-am-alive in unix ms (Redis TIME), kept
/// apart so heartbeats never rewrite rows nor bump the version. A row without one reads its start time instead.</item>
/// <item>Channel <c>{p}:{c}:membership:changed</c>: every write that bumps the version publishes the new version.</item>
/// </list>
/// Every write is one Lua script (<see cref="RedisMembershipScripts"/>) that checks the version and bumps it. The
/// I-am-alive time of an entry passed to Insert/Update is ignored: only <see cref="UpdateIAmAliveAsync"/> sets it.
/// The multiplexer is created with abortConnect=false, so it reconnects by itself and resubscribes after a Redis
/// restart; if Redis lost its data the table reads as version 0 with no rows, and silos insert again from 0.
/// </summary>
internal sealed class RedisMembershipTable : IMembershipTable
{
    private const string VersionField = "version";
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger _logger;
    private readonly RedisKey[] _keys;
    private readonly RedisChannel _channel;
    private readonly string _publishChannel;
    private readonly Action<RedisChannel, RedisValue> _onNotice;
    private readonly Lock _lock = new();
    private Action<long>[] _handlers = [];
    private ConnectionMultiplexer? _connection;

    public RedisMembershipTable(RedisMembershipOptions options, ILogger<RedisMembershipTable>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Configuration, "RedisMembershipOptions.Configuration");
        ArgumentException.ThrowIfNullOrWhiteSpace(options.KeyPrefix, "RedisMembershipOptions.KeyPrefix");
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ClusterId, "RedisMembershipOptions.ClusterId");
        _configuration = ConfigurationOptions.Parse(options.Configuration);
        _configuration.AbortOnConnectFail = false;
        _logger = logger ?? NullLogger<RedisMembershipTable>.Instance;

        var baseKey = $"{options.KeyPrefix}:{options.ClusterId}";
        _keys = [baseKey + ":membership", baseKey + ":alive"];
        var channel = baseKey + ":membership:changed";
        _channel = new RedisChannel(channel, RedisChannel.PatternMode.Literal);
        // The scripts PUBLISH to the raw name, while subscriptions get the configured channel prefix added.
        _publishChannel = ((string?)_configuration.ChannelPrefix ?? string.Empty) + channel;
        _onNotice = OnNotice;
    }

    public string Kind => "redis";

    private IDatabase Database => (_connection ?? throw new InvalidOperationException("The Redis membership table is not initialized.")).GetDatabase();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return;
        }
        var connecting = ConnectionMultiplexer.ConnectAsync(_configuration);
        ConnectionMultiplexer connection;
        try
        {
            connection = await connecting.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _ = connecting.ContinueWith(t => CloseAsync(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
        try
        {
            await connection.GetSubscriber().SubscribeAsync(_channel, _onNotice).WaitAsync(cancellationToken);
            await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        }
        catch
        {
            await CloseAsync(connection);
            throw;
        }
        _connection = connection;
    }

    public async Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisMembershipScripts.ReadAll, _keys).WaitAsync(cancellationToken))!;
        var rows = (RedisValue[])result[0]!;
        var alive = (RedisValue[])result[1]!;

        var aliveTimes = new Dictionary<string, long>(alive.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < alive.Length; i += 2)
        {
            if (long.TryParse((string?)alive[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                aliveTimes[(string)alive[i]!] = ms;
            }
        }

        long version = 0;
        var entries = new List<MembershipEntry>(rows.Length / 2);
        for (var i = 0; i + 1 < rows.Length; i += 2)
        {
            var field = (string)rows[i]!;
            if (field == VersionField)
            {
                version = long.Parse((string)rows[i + 1]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                continue;
            }
            try
            {
                entries.Add(RedisMembershipRow.Read((string)rows[i + 1]!, aliveTimes.TryGetValue(field, out var ms) ? ms : null));
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"The membership row '{field}' in Redis hash '{_keys[0]}' is not valid: {ex.Message}", ex);
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Address.ToString(), b.Address.ToString()));
        return new MembershipSnapshot(version, entries);
    }

    public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(entry, expectedVersion, update: false, cancellationToken);

    public Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(entry, expectedVersion, update: true, cancellationToken);

    public async Task<bool> UpdateIAmAliveAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var result = await Database.ScriptEvaluateAsync(RedisMembershipScripts.IAmAlive, _keys, [silo.ToString()]).WaitAsync(cancellationToken);
        return (long)result == 1;
    }

    public async Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken)
    {
        var time = (string[])(await Database.ScriptEvaluateAsync(RedisMembershipScripts.Time).WaitAsync(cancellationToken))!;
        var seconds = long.Parse(time[0], NumberStyles.None, CultureInfo.InvariantCulture);
        var microseconds = long.Parse(time[1], NumberStyles.None, CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds(seconds * 1000 + microseconds / 1000);
    }

    public async Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var result = await Database.ScriptEvaluateAsync(
            RedisMembershipScripts.DeleteDefunct,
            _keys,
            [olderThan.ToUnixTimeMilliseconds(), _publishChannel]).WaitAsync(cancellationToken);
        return (int)result;
    }

    public IDisposable SubscribeToChanges(Action<long> onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        lock (_lock)
        {
            _handlers = [.. _handlers, onChanged];
        }
        return new Subscription(() =>
        {
            lock (_lock)
            {
                var index = Array.IndexOf(_handlers, onChanged);
                if (index >= 0)
                {
                    _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
                }
            }
        });
    }

    public async Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var latency = await Database.PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return new ProviderHealth("membership", Kind, true, $"PING {latency.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms");
        }
        catch (Exception ex)
        {
            return new ProviderHealth("membership", Kind, false, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is null)
        {
            return;
        }
        try
        {
            await connection.GetSubscriber().UnsubscribeAsync(_channel, _onNotice).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex)
        {
            _logger.UnsubscribeFailed(ex);
        }
        await CloseAsync(connection);
    }

    private async Task<bool> WriteAsync(MembershipEntry entry, long expectedVersion, bool update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Enum.IsDefined(entry.Status))
        {
            throw new ArgumentOutOfRangeException(nameof(entry), entry.Status, "The entry's status is not a SiloStatus value.");
        }
        var result = await Database.ScriptEvaluateAsync(
            RedisMembershipScripts.Write,
            _keys,
            [expectedVersion, entry.Address.ToString(), RedisMembershipRow.Write(entry), _publishChannel, update ? "1" : "0"]).WaitAsync(cancellationToken);
        return (long)result >= 0;
    }

    private void OnNotice(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            _logger.MalformedNotice(text);
            return;
        }
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(version);
            }
            catch (Exception ex)
            {
                _logger.ChangeHandlerFailed(ex, version);
            }
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        _logger.ConnectionLost(e.Exception, e.ConnectionType.ToString(), e.EndPoint?.ToString(), e.FailureType.ToString());

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        _logger.ConnectionRestored(e.ConnectionType.ToString(), e.EndPoint?.ToString());

    private async Task CloseAsync(ConnectionMultiplexer connection)
    {
        connection.ConnectionFailed -= OnConnectionFailed;
        connection.ConnectionRestored -= OnConnectionRestored;
        // StackExchange.Redis 1.2.6's Dispose alone blocks about a second; closing first returns at once.
        await connection.CloseAsync(allowCommandsToComplete: true);
        connection.Dispose();
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
