using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Granary.Runtime.Reminders.Redis;

/// <summary>
/// Reminder rows in Redis. Layout, with <c>{p}</c> the <see cref="RedisReminderOptions.KeyPrefix"/>:
/// <list type="bullet">
/// <item><c>{p}:reminders:due:{bucket}</c>: a sorted set per bucket; members <c>{grainId}\n{name}</c> (grain id
/// in its <c>type/key</c> form), scores the due time in unix milliseconds (UTC).</item>
/// <item><c>{p}:reminders:grain:{grainId}</c>: a hash per grain; fields are reminder names, values
/// <c>{"bucket":3,"due":1700000000000,"period":60000,"attempt":0,"version":7}</c> (period null for one-shot).</item>
/// </list>
/// Every mutation is one Lua script, so the sorted set and the hash never disagree. The scripts derive some keys
/// from member strings instead of declaring them in KEYS, which a single Redis accepts but Redis Cluster does not:
/// Redis Cluster is not supported. Grain keys must not contain a newline (it separates grain id and name).
/// </summary>
internal sealed class RedisReminderTable : IReminderTable, IAsyncDisposable, IDisposable
{
    private readonly RedisReminderOptions _options;
    private readonly string _dueKeyBase;
    private readonly string _grainKeyBase;
    private ConnectionMultiplexer? _connection;

    public RedisReminderTable(RedisReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.KeyPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BucketCount, 1);
        _options = options;
        _dueKeyBase = options.KeyPrefix + ":reminders:due:";
        _grainKeyBase = options.KeyPrefix + ":reminders:grain:";
    }

    public string Kind => "redis";

    private IDatabase Database => (_connection ?? throw new InvalidOperationException("The Redis reminder table is not initialized.")).GetDatabase();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return;
        }
        var connection = await ConnectionMultiplexer.ConnectAsync(_options.Configuration).WaitAsync(cancellationToken);
        try
        {
            await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        }
        catch
        {
            connection.Close(allowCommandsToComplete: false);
            connection.Dispose();
            throw;
        }
        _connection = connection;
    }

    public async Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.GrainId.ToString().Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The Redis reminder table cannot store grain ids with a newline: '{entry.GrainId}'.", nameof(entry));
        }

        var due = entry.DueTime.ToUnixTimeMilliseconds();
        long? period = entry.Period is { } p ? (long)p.TotalMilliseconds : null;
        var result = await Database.ScriptEvaluateAsync(
            Upsert,
            [GrainKey(entry.GrainId), DueKey(entry.Bucket)],
            [_dueKeyBase, Member(entry.GrainId, entry.Name), entry.Name, entry.Bucket, due, period ?? RedisValue.EmptyString]).WaitAsync(cancellationToken);
        return entry with
        {
            DueTime = DateTimeOffset.FromUnixTimeMilliseconds(due),
            Period = period is { } periodMs ? TimeSpan.FromMilliseconds(periodMs) : null,
            Attempt = 0,
            Version = (long)result,
        };
    }

    public async Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        var result = await Database.ScriptEvaluateAsync(
            Remove,
            [GrainKey(grainId)],
            [_dueKeyBase, Member(grainId, name), name]).WaitAsync(cancellationToken);
        return (long)result == 1;
    }

    public async Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        var value = await Database.HashGetAsync(GrainKey(grainId), name).WaitAsync(cancellationToken);
        return value.IsNull ? null : Parse(grainId, name, value!, dueOverride: null);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        var fields = await Database.HashGetAllAsync(GrainKey(grainId)).WaitAsync(cancellationToken);
        return fields
            .Select(f => Parse(grainId, f.Name!, f.Value!, dueOverride: null))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(IReadOnlyList<int> buckets, DateTimeOffset dueBefore, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count == 0 || max <= 0)
        {
            return [];
        }

        var result = await Database.ScriptEvaluateAsync(
            Claim,
            buckets.Distinct().Select(DueKey).ToArray(),
            [_grainKeyBase, dueBefore.ToUnixTimeMilliseconds(), leaseUntil.ToUnixTimeMilliseconds(), max]).WaitAsync(cancellationToken);

        var rows = (RedisResult[])result!;
        var claimed = new List<ReminderEntry>(rows.Length);
        foreach (var row in rows)
        {
            // Each row: member, original due (ms, as a string), the stored JSON after the claim.
            var parts = (RedisResult[])row!;
            var (grainId, name) = SplitMember((string)parts[0]!);
            var originalDue = long.Parse((string)parts[1]!, CultureInfo.InvariantCulture);
            claimed.Add(Parse(grainId, name, (string)parts[2]!, originalDue));
        }
        return claimed;
    }

    public async Task<bool> CompleteAsync(ReminderEntry claimed, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var result = await Database.ScriptEvaluateAsync(
            Complete,
            [GrainKey(claimed.GrainId)],
            [_dueKeyBase, Member(claimed.GrainId, claimed.Name), claimed.Name, claimed.Version,
             nextDue is { } due ? due.ToUnixTimeMilliseconds() : RedisValue.EmptyString]).WaitAsync(cancellationToken);
        return (long)result == 1;
    }

    public async Task<bool> RetryAsync(ReminderEntry claimed, DateTimeOffset nextDue, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var result = await Database.ScriptEvaluateAsync(
            Retry,
            [GrainKey(claimed.GrainId)],
            [_dueKeyBase, Member(claimed.GrainId, claimed.Name), claimed.Name, claimed.Version,
             nextDue.ToUnixTimeMilliseconds(), attempt]).WaitAsync(cancellationToken);
        return (long)result == 1;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var database = Database;
        var counts = await Task.WhenAll(Enumerable.Range(0, _options.BucketCount).Select(b => database.SortedSetLengthAsync(DueKey(b))))
            .WaitAsync(cancellationToken);
        return counts.Sum();
    }

    public async Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var latency = await Database.PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return new ProviderHealth("reminders", Kind, true, $"PING {latency.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms");
        }
        catch (Exception ex)
        {
            return new ProviderHealth("reminders", Kind, false, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            // StackExchange.Redis 1.2.6's Dispose alone blocks about a second; closing first returns at once.
            await connection.CloseAsync(allowCommandsToComplete: true);
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _connection?.Close(allowCommandsToComplete: false);
        _connection?.Dispose();
    }

    private RedisKey DueKey(int bucket) => _dueKeyBase + bucket.ToString(CultureInfo.InvariantCulture);

    private RedisKey GrainKey(GrainId grainId) => _grainKeyBase + grainId.ToString();

    private static string Member(GrainId grainId, string name) => $"{grainId}\n{name}";

    private static (GrainId GrainId, string Name) SplitMember(string member)
    {
        var newline = member.IndexOf('\n', StringComparison.Ordinal);
        return (GrainId.Parse(member[..newline]), member[(newline + 1)..]);
    }

    private static ReminderEntry Parse(GrainId grainId, string name, string json, long? dueOverride)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var period = root.GetProperty("period");
        return new ReminderEntry
        {
            GrainId = grainId,
            Name = name,
            Bucket = root.GetProperty("bucket").GetInt32(),
            DueTime = DateTimeOffset.FromUnixTimeMilliseconds(dueOverride ?? root.GetProperty("due").GetInt64()),
            Period = period.ValueKind == JsonValueKind.Null ? null : TimeSpan.FromMilliseconds(period.GetInt64()),
            Attempt = root.GetProperty("attempt").GetInt32(),
            Version = root.GetProperty("version").GetInt64(),
        };
    }

    // Redis's cjson encodes numbers with 14 significant digits, which would round far-future unix milliseconds,
    // so the scripts decode with cjson but encode the (flat, all-numeric) row themselves.
    private const string Encode = """
        local function encode(e)
          local period = 'null'
          if e.period ~= nil and e.period ~= cjson.null then period = string.format('%.0f', e.period) end
          return string.format('{"bucket":%.0f,"due":%.0f,"period":%s,"attempt":%.0f,"version":%.0f}',
            e.bucket, e.due, period, e.attempt, e.version)
        end

        """;

    // KEYS: grain hash, due zset of the new bucket. ARGV: due key base, member, name, bucket, due ms, period ms or ''.
    private const string Upsert = Encode + """
        local version = 1
        local old = redis.call('HGET', KEYS[1], ARGV[3])
        if old then
          local o = cjson.decode(old)
          version = o.version + 1
          redis.call('ZREM', ARGV[1] .. string.format('%.0f', o.bucket), ARGV[2])
        end
        local e = { bucket = tonumber(ARGV[4]), due = tonumber(ARGV[5]), attempt = 0, version = version }
        if ARGV[6] ~= '' then e.period = tonumber(ARGV[6]) end
        redis.call('HSET', KEYS[1], ARGV[3], encode(e))
        redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
        return version
        """;

    // KEYS: grain hash. ARGV: due key base, member, name.
    private const string Remove = """
        local old = redis.call('HGET', KEYS[1], ARGV[3])
        if not old then return 0 end
        local o = cjson.decode(old)
        redis.call('HDEL', KEYS[1], ARGV[3])
        redis.call('ZREM', ARGV[1] .. string.format('%.0f', o.bucket), ARGV[2])
        return 1
        """;

    // KEYS: the due zsets of the requested buckets. ARGV: grain key base, due-before ms, lease-until ms, max.
    // Takes up to max due members per bucket, keeps the earliest max overall, moves each to the lease.
    // Returns { member, original due ms as a string, stored JSON after the claim } per claimed row.
    private const string Claim = Encode + """
        local max = tonumber(ARGV[4])
        local candidates = {}
        for _, key in ipairs(KEYS) do
          local found = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, max)
          for i = 1, #found, 2 do
            candidates[#candidates + 1] = { key = key, member = found[i], due = tonumber(found[i + 1]) }
          end
        end
        table.sort(candidates, function(a, b)
          if a.due ~= b.due then return a.due < b.due end
          return a.member < b.member
        end)
        local claimed = {}
        for i = 1, math.min(max, #candidates) do
          local c = candidates[i]
          local newline = string.find(c.member, '\n', 1, true)
          local hash = ARGV[1] .. string.sub(c.member, 1, newline - 1)
          local name = string.sub(c.member, newline + 1)
          local raw = redis.call('HGET', hash, name)
          if raw then
            local e = cjson.decode(raw)
            local due = e.due
            e.due = tonumber(ARGV[3])
            e.version = e.version + 1
            local json = encode(e)
            redis.call('HSET', hash, name, json)
            redis.call('ZADD', c.key, ARGV[3], c.member)
            claimed[#claimed + 1] = { c.member, string.format('%.0f', due), json }
          else
            -- A member without its row cannot exist while every change goes through these scripts; drop it.
            redis.call('ZREM', c.key, c.member)
          end
        end
        return claimed
        """;

    // KEYS: grain hash. ARGV: due key base, member, name, claimed version, next due ms or '' (one-shot: delete).
    private const string Complete = Encode + """
        local raw = redis.call('HGET', KEYS[1], ARGV[3])
        if not raw then return 0 end
        local e = cjson.decode(raw)
        if e.version ~= tonumber(ARGV[4]) then return 0 end
        local zset = ARGV[1] .. string.format('%.0f', e.bucket)
        if ARGV[5] == '' then
          redis.call('HDEL', KEYS[1], ARGV[3])
          redis.call('ZREM', zset, ARGV[2])
        else
          e.due = tonumber(ARGV[5])
          e.attempt = 0
          e.version = e.version + 1
          redis.call('HSET', KEYS[1], ARGV[3], encode(e))
          redis.call('ZADD', zset, ARGV[5], ARGV[2])
        end
        return 1
        """;

    // KEYS: grain hash. ARGV: due key base, member, name, claimed version, next due ms, attempt.
    private const string Retry = Encode + """
        local raw = redis.call('HGET', KEYS[1], ARGV[3])
        if not raw then return 0 end
        local e = cjson.decode(raw)
        if e.version ~= tonumber(ARGV[4]) then return 0 end
        e.due = tonumber(ARGV[5])
        e.attempt = tonumber(ARGV[6])
        e.version = e.version + 1
        redis.call('HSET', KEYS[1], ARGV[3], encode(e))
        redis.call('ZADD', ARGV[1] .. string.format('%.0f', e.bucket), ARGV[5], ARGV[2])
        return 1
        """;
}
