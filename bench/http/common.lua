-- Shared by the wrk scripts of `bench/run.sh http` (loaded with dofile from the repository root).
-- done() prints one machine-readable line that bench/run.sh parses: exact requests/s and latency
-- percentiles in microseconds from wrk's own histogram, plus every error class.
-- luacheck: globals done wrk
function done(summary, latency, _)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "WRK_RESULT requests=%d duration_s=%.3f rps=%.1f mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d "
            .. "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
        summary.requests, seconds, summary.requests / seconds, latency.mean,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        e.connect, e.read, e.write, e.status, e.timeout))
end
