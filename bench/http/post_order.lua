-- POST /api/v1/orgs/{org}/orders with the seeded body (BENCH_BODY file) and a unique Idempotency-Key per
-- request: BENCH_RUN (unique per run) .. thread number .. request number. Every request creates an order.
dofile("bench/http/common.lua")

local path = "/api/v1/orgs/" .. assert(os.getenv("BENCH_ORG"), "BENCH_ORG is not set") .. "/orders"
local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
local run = assert(os.getenv("BENCH_RUN"), "BENCH_RUN is not set")
local file = assert(io.open(assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set"), "r"))
local body = file:read("*a")
file:close()

local threads = 0
function setup(thread)
    thread:set("thread", threads)
    threads = threads + 1
end

local n = 0
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
function request()
    n = n + 1
    headers["Idempotency-Key"] = run .. "-" .. thread .. "-" .. n -- luacheck: globals thread
    return wrk.format("POST", path, headers, body)
end
