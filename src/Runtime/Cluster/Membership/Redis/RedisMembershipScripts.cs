namespace Granary.Runtime.Cluster.Membership.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisMembershipTable"/>. KEYS[1] is always the membership hash, KEYS[2] the
/// alive hash. Each script runs atomically in Redis, so a version check and the write it guards cannot be split
/// by another silo. Numbers that leave a script as strings go through <c>string.format('%.0f')</c>: Lua would
/// print large unix milliseconds in exponent form.
/// </summary>
internal static class RedisMembershipScripts
{
    // ARGV: expected version, address, row JSON, channel, '1' = update (row must exist) / '0' = insert (must not).
    // Returns the new version, or -1 when the version moved or the row's presence is wrong.
    public const string Write = """
        local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if version ~= tonumber(ARGV[1]) then return -1 end
        local exists = redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1
        if exists ~= (ARGV[5] == '1') then return -1 end
        redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
        if not exists then redis.call('HDEL', KEYS[2], ARGV[2]) end
        local new = redis.call('HINCRBY', KEYS[1], 'version', 1)
        redis.call('PUBLISH', ARGV[4], new)
        return new
        """;

    // ARGV: address. Sets the alive field to the server time (ms) if the row exists; returns 1, else 0.
    public const string IAmAlive = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        local now = redis.call('TIME')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        redis.call('HSET', KEYS[2], ARGV[1], string.format('%.0f', ms))
        return 1
        """;

    // Both hashes in one round trip and one consistent state: { membership fields/values, alive fields/values }.
    public const string ReadAll = """
        return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
        """;

    // No keys. Returns { seconds, microseconds } as strings.
    public const string Time = """
        return redis.call('TIME')
        """;

    // ARGV: cutoff ms, channel. Removes Dead rows (and their alive fields) whose max(alive, start) < cutoff;
    // bumps the version and publishes once if any went. Rows that are not valid JSON are left alone.
    public const string DeleteDefunct = """
        local cutoff = tonumber(ARGV[1])
        local fields = redis.call('HGETALL', KEYS[1])
        local removed = 0
        for i = 1, #fields, 2 do
          local name = fields[i]
          if name ~= 'version' then
            local ok, row = pcall(cjson.decode, fields[i + 1])
            if ok and type(row) == 'table' and row.status == 'Dead' and type(row.startTime) == 'number' then
              local last = row.startTime
              local alive = tonumber(redis.call('HGET', KEYS[2], name) or '')
              if alive ~= nil and alive > last then last = alive end
              if last < cutoff then
                redis.call('HDEL', KEYS[1], name)
                redis.call('HDEL', KEYS[2], name)
                removed = removed + 1
              end
            end
          end
        end
        if removed > 0 then
          local new = redis.call('HINCRBY', KEYS[1], 'version', 1)
          redis.call('PUBLISH', ARGV[2], new)
        end
        return removed
        """;
}
