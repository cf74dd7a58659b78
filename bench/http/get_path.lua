-- GET of one constant path (BENCH_PATH, e.g. /const or /health/live); with the seeded user's bearer token
-- when BENCH_AUTH=1 (BENCH_TOKEN).
dofile("bench/http/common.lua")
wrk.method = "GET"
wrk.path = assert(os.getenv("BENCH_PATH"), "BENCH_PATH is not set")
if os.getenv("BENCH_AUTH") == "1" then
    wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
end
