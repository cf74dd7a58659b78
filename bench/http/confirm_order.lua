-- POST /api/v1/orgs/{org}/orders/{id}/confirm over pending order ids (BENCH_IDS: one id a line), as the seeded
-- user (BENCH_TOKEN). Each id is confirmed once: wrk thread t takes ids t, t + threads, t + 2 * threads, … (so
-- threads never share an id); a thread that runs out starts over, and those repeats answer 409 (counted as errors).
-- The requests are formatted once per thread in init().
dofile("bench/http/common.lua")

local threads = 0
function setup(thread)
    thread:set("index", threads)
    threads = threads + 1
    thread:set("threads", threads)
end

local requests = {}
function init(_)
    local org = assert(os.getenv("BENCH_ORG"), "BENCH_ORG is not set")
    local stride = tonumber((assert(os.getenv("BENCH_THREADS"), "BENCH_THREADS is not set")))
    local headers = { ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set") }
    local ids_file = assert(os.getenv("BENCH_IDS"), "BENCH_IDS is not set")
    local line = 0
    for id in io.lines(ids_file) do
        if line % stride == index then -- luacheck: globals index
            requests[#requests + 1] = wrk.format("POST", "/api/v1/orgs/" .. org .. "/orders/" .. id .. "/confirm", headers)
        end
        line = line + 1
    end
    assert(#requests > 0, "no pending order ids for this thread")
end

local n = 0
function request()
    n = n + 1
    return requests[(n - 1) % #requests + 1]
end
