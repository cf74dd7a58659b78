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

-- order_requests(method, suffix, keep): one request formatted per order id in BENCH_IDS (one id a line), to
-- …/orders/{id}{suffix} as the seeded user (BENCH_ORG, BENCH_TOKEN); only the ids whose 0-based line keep(line)
-- accepts, when keep is given. Called from a thread's init(), so each request is built once, not per request.
function order_requests(method, suffix, keep)
    local org = assert(os.getenv("BENCH_ORG"), "BENCH_ORG is not set")
    local headers = { ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set") }
    local ids_file = assert(os.getenv("BENCH_IDS"), "BENCH_IDS is not set")
    local requests, line = {}, 0
    for id in io.lines(ids_file) do
        if keep == nil or keep(line) then
            requests[#requests + 1] = wrk.format(method, "/api/v1/orgs/" .. org .. "/orders/" .. id .. suffix, headers)
        end
        line = line + 1
    end
    assert(#requests > 0, "no order ids for this thread in " .. ids_file)
    return requests
end
