-- GET /api/v1/orgs/{org}/orders/{id} round-robin over the seeded order ids (BENCH_IDS: one id a line),
-- as the seeded user (BENCH_TOKEN). Each wrk thread starts at its own offset in the list. The requests are
-- formatted once per thread in init(), so that per request the client only picks the next one: the less CPU wrk
-- takes on this shared machine, the more is left for the server.
dofile("bench/http/common.lua")

local threads = 0
function setup(thread)
    thread:set("offset", threads * 7919)
    threads = threads + 1
end

local requests
function init(_)
    requests = order_requests("GET", "")
end

local n = 0
function request()
    n = n + 1
    -- offset is set by setup() in this thread's Lua state before init() and the first request.
    return requests[(offset + n) % #requests + 1] -- luacheck: globals offset
end
