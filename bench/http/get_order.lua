-- GET /api/v1/orgs/{org}/orders/{id} round-robin over the seeded order ids (BENCH_IDS: one id a line),
-- as the seeded user (BENCH_TOKEN). Each wrk thread starts at its own offset in the list.
dofile("bench/http/common.lua")

local org = assert(os.getenv("BENCH_ORG"), "BENCH_ORG is not set")
local headers = { ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set") }
local paths = {}
local ids_file = assert(os.getenv("BENCH_IDS"), "BENCH_IDS is not set")
for id in io.lines(ids_file) do
    paths[#paths + 1] = "/api/v1/orgs/" .. org .. "/orders/" .. id
end
assert(#paths > 0, "no order ids")

local threads = 0
function setup(thread)
    thread:set("offset", threads * 7919)
    threads = threads + 1
end

local n = 0
function request()
    n = n + 1
    -- offset is set by setup() in this thread's Lua state before the first request.
    return wrk.format("GET", paths[(offset + n) % #paths + 1], headers) -- luacheck: globals offset
end
