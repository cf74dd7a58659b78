-- POST /api/v1/orgs/{org}/orders/{id}/confirm over pending order ids (BENCH_IDS: one id a line), as the seeded
-- user (BENCH_TOKEN). Each id is confirmed once: wrk thread t takes ids t, t + threads, t + 2 * threads, … (so
-- threads never share an id); a thread that runs out starts over, and those repeats answer 409 (counted as errors).
-- The requests are formatted once per thread in init().
dofile("bench/http/common.lua")

local threads = 0
function setup(thread)
    thread:set("index", threads)
    threads = threads + 1
end

local requests
function init(_)
    local stride = tonumber((assert(os.getenv("BENCH_THREADS"), "BENCH_THREADS is not set")))
    requests = order_requests("POST", "/confirm", function(line)
        return line % stride == index -- luacheck: globals index
    end)
end

local n = 0
function request()
    n = n + 1
    return requests[(n - 1) % #requests + 1]
end
