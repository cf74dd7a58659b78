#!/usr/bin/env bash
# `bench/run.sh http`: HTTP throughput of one silo against the ceiling of this machine.
#
#  1. PostgreSQL and Redis from scripts/services.sh (unless GRANARY_TEST_POSTGRES and GRANARY_TEST_REDIS are set); Release builds of src/Silo
#     and bench/Http.Bench.
#  2. One silo process on loopback: PostgreSQL grain storage in a database of its own, created on the server of
#     GRANARY_TEST_POSTGRES for this run and dropped on exit (so the seeded orders don't pile up in the test database;
#     the given database itself is used, with a warning, when the role may not create databases),
#     Redis reminders under a service id of the run, Production environment, Warning-level logging, a random signing key and
#     Granary:Http:AuthenticatedRequestsPerMinute = 100000000 (the per-user limit, 6000/min by default, would
#     otherwise answer 429 to almost every request: wrk runs as one user).
#  3. bench/Http.Bench as a second process: a minimal API answering constant JSON the size of an order at GET /const
#     and at the silo's order route (route values and Authorization ignored), same SDK and hosting defaults as the
#     silo.
#  4. Seeding through the silo's API (bench/Http.Bench seed): one user, one organization, stock for five SKUs,
#     10,000 orders, then one GET of every order so every order grain is active (the grains are the cache).
#  5. wrk (bench/http/*.lua) on loopback, every run bounded in time. The compared pair, get_order (GET …/orders/{id}
#     round robin over the 10,000 orders, with the bearer token) and kestrel_const (the very same requests, from the
#     same script, to the constant endpoint: wrk builds each request in Lua, which costs the client more CPU than a
#     fixed request, and on a shared machine the client's CPU is the server's loss), is warmed up until the JIT has settled
#     (10 s each by default: the silo has far more code to tier up than the constant endpoint, and a short warm-up
#     measures the compiler), then measured in alternating rounds (const, order, const, order, …) so that both see
#     the same machine; each figure of the pair is the round with the median requests/s, and get_order_vs_const is
#     the median of the per-round ratios. Then, after a short warm-up each: health_live (GET /health/live: the
#     silo's middleware, no auth, no grain), health_live_auth, get_org; and after a warm-up as long as the pair's,
#     post_order (POST …/orders, a new Idempotency-Key per request; post_order_jit_methods_during_run tells whether
#     the silo's JIT had settled); kestrel_const_static is GET /const as one fixed request (no Lua per request), to
#     show what the client's share costs.
#  Prints a table, then `name: value` lines. Every process started here is killed on exit, even on failure.
#
# Environment (all optional):
#   GRANARY_BENCH_HTTP_DURATION     seconds measured per round of the compared pair, and for post_order (default 10)
#   GRANARY_BENCH_HTTP_ROUNDS       alternating rounds of the compared pair (default 3)
#   GRANARY_BENCH_HTTP_DIAG_DURATION  seconds measured per diagnostic target (default 4)
#   GRANARY_BENCH_HTTP_WARMUP       seconds of warm-up of each target of the compared pair (default 10)
#   GRANARY_BENCH_HTTP_DIAG_WARMUP  seconds of warm-up of the other targets (default 3)
#   GRANARY_BENCH_HTTP_THREADS      wrk threads (default 2)
#   GRANARY_BENCH_HTTP_CONNECTIONS  wrk connections (default 64)
#   GRANARY_BENCH_HTTP_ORDERS       orders seeded (default 10000)
#   GRANARY_BENCH_SILO_PORT         silo HTTP port on 127.0.0.1 (default 28480: below the kernel's ephemeral range, which
#                                   outgoing connections draw from; the silo port is this + 1000)
#   GRANARY_BENCH_CONST_PORT        constant-JSON endpoint port on 127.0.0.1 (default 28481)
#   GRANARY_BENCH_INSERT_PORT       insert-ceiling endpoint port on 127.0.0.1 (default 28482)
#   GRANARY_BENCH_HTTP_POST_ONLY    1: measure post_order and its write breakdown only (for work on the write path)
#   GRANARY_BENCH_HTTP_DASHBOARD    disabled | unwatched | watched: measure the compared pair only, with the Orleans
#                                   Dashboard off (Granary:Dashboard:Enabled=false), on but nobody looking, or on with a
#                                   headless chromium showing its overview the whole time (`bench/run.sh dashboard`
#                                   runs all three and compares them)
#
# post_order's write breakdown (pg_stat_statements, which scripts/services.sh preloads; the extension is created in
# the run's database): statements_per_order (every statement the silo ran in the run's database, per order created
# as the read model counts them), the statements with their calls per order and mean time, pg_cpu_us_per_order (CPU
# of the postgres processes), wal_bytes_per_order (pg_current_wal_lsn before and after), commits_per_order
# (pg_stat_database's xact_commit: grouped writes share a commit), redis_commands_per_order and redis_cpu_us_per_order
# (the reminder Redis's INFO: every reminder registered or removed is a command). Then insert_ceiling: the very
# POSTs of post_order sent to bench/Http.Bench's insert mode (a framework-only Kestrel endpoint doing one Npgsql INSERT
# of the order JSON per request into the run's database, connected as the silo's storage connects): the ceiling for
# one durable write per request here, and post_order_vs_insert_ceiling.
# Between them, confirm_order (bench/http/confirm_order.lua): POST …/orders/{id}/confirm over the orders still pending
# (the seeded ones and post_order's; a quarter for a warm-up as long as post_order's, each confirmed once), with the same breakdown per
# order confirmed (statements_per_confirm, pg_cpu_us_per_confirm, wal_bytes_per_confirm, silo_cpu_us_per_confirm),
# confirm_rps and confirm_vs_insert_ceiling. A confirm reserves stock on the two SKUs of the posted body (the same two
# inventory grains for every order), records the customer's confirmation email and hands it to its job.
set -euo pipefail

readonly PROG="bench/run.sh http"
cd "$(dirname -- "${BASH_SOURCE[0]}")/../.."

DURATION="${GRANARY_BENCH_HTTP_DURATION:-10}"
DIAG_DURATION="${GRANARY_BENCH_HTTP_DIAG_DURATION:-4}"
WARMUP="${GRANARY_BENCH_HTTP_WARMUP:-10}"
DIAG_WARMUP="${GRANARY_BENCH_HTTP_DIAG_WARMUP:-3}"
ROUNDS="${GRANARY_BENCH_HTTP_ROUNDS:-3}"
THREADS="${GRANARY_BENCH_HTTP_THREADS:-2}"
CONNECTIONS="${GRANARY_BENCH_HTTP_CONNECTIONS:-64}"
POST_ONLY="${GRANARY_BENCH_HTTP_POST_ONLY:-0}"
DASHBOARD="${GRANARY_BENCH_HTTP_DASHBOARD:-}"
ORDERS="${GRANARY_BENCH_HTTP_ORDERS:-10000}"
[[ "$POST_ONLY" == 1 ]] && ORDERS="${GRANARY_BENCH_HTTP_ORDERS:-500}"
case "$DASHBOARD" in
    "" | disabled | unwatched | watched) ;;
    *) printf 'bench/run.sh http: GRANARY_BENCH_HTTP_DASHBOARD=%s is not disabled, unwatched or watched\n' "$DASHBOARD" >&2; exit 2 ;;
esac
SILO_PORT="${GRANARY_BENCH_SILO_PORT:-28480}"
CONST_PORT="${GRANARY_BENCH_CONST_PORT:-28481}"
INSERT_PORT="${GRANARY_BENCH_INSERT_PORT:-28482}"
readonly SEED_CONCURRENCY=64 START_TIMEOUT=60 SEED_TIMEOUT=120

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

for var in DURATION DIAG_DURATION WARMUP DIAG_WARMUP ROUNDS THREADS CONNECTIONS ORDERS SILO_PORT CONST_PORT INSERT_PORT; do
    if ! [[ "${!var}" =~ ^[0-9]+$ ]] || ((${!var} == 0)); then
        die "$var='${!var}' is not a positive number"
    fi
done

WORK="$(mktemp -d -t granary-bench-http.XXXXXX)"
SILO_PID=""
CONST_PID=""
INSERT_PID=""
WRK_PID=""
BROWSER_PID=""

stop_pid() {
    local pid="$1" i
    if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$WRK_PID"
    stop_pid "$BROWSER_PID"
    stop_pid "$CONST_PID"
    stop_pid "$INSERT_PID"
    stop_pid "$SILO_PID"
    if declare -F drop_bench_database >/dev/null; then drop_bench_database; fi
    # The run's reminders (Orleans keeps them under "{ServiceId}/reminders").
    if [[ -n "${STORAGE_REDIS:-}" && -n "${RUN_ID:-}" ]] && command -v redis-cli >/dev/null; then
        redis-cli -h "${STORAGE_REDIS%%:*}" -p "${STORAGE_REDIS##*:}" DEL "bench-http-$RUN_ID/reminders" >/dev/null 2>&1 || true
    fi
    if ((rc != 0)); then
        for file in "$WORK/silo.log" "$WORK/const.log"; do
            if [[ -s "$file" ]]; then
                log "last lines of $(basename -- "$file"):"
                tail -n 30 -- "$file" | sed 's/^/    /' >&2 || true
            fi
        done
    fi
    rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# CPU seconds (user + system) a live process has used so far.
cpu_seconds() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || {
        echo 0
        return
    }
    # Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    awk -v ticks="$(getconf CLK_TCK)" '{ print ($12 + $13) / ticks }' <<<"${stat##*) }"
}

# CPU seconds used by the waited-for children of this shell so far (wrk runs are the only ones during a run),
# from the file `times >"$WORK/times"` wrote: `times` must run in this shell, not in a command substitution.
children_cpu_seconds() {
    awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } print t }' "$WORK/times"
}

# Busy CPU seconds of the whole machine so far (all cores, /proc/stat: everything but idle and iowait).
machine_busy_seconds() {
    awk -v ticks="$(getconf CLK_TCK)" '$1 == "cpu" { print ($2 + $3 + $4 + $7 + $8 + $9) / ticks; exit }' /proc/stat
}

wait_http() {
    local url="$1" pid="$2" name="$3" deadline=$((SECONDS + START_TIMEOUT))
    until curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || die "$name exited while starting"
        ((SECONDS < deadline)) || die "$name did not answer $url within ${START_TIMEOUT}s"
        sleep 0.5
    done
}

# ---------------------------------------------------------------- prerequisites
if ! command -v wrk >/dev/null 2>&1; then
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "wrk is not installed (Debian package 'wrk': apt-get install wrk)"
    fi
    log "installing wrk (apt-get) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq wrk >&2 || { apt-get update -qq >&2 && apt-get install -y -qq wrk >&2; } || die "apt-get install wrk failed"
fi
command -v curl >/dev/null 2>&1 || die "curl is not installed"
for port in "$SILO_PORT" "$CONST_PORT" "$INSERT_PORT"; do
    port_free "$port" || die "port 127.0.0.1:$port is in use (set GRANARY_BENCH_SILO_PORT / GRANARY_BENCH_CONST_PORT / GRANARY_BENCH_INSERT_PORT)"
done

if [[ -z "${GRANARY_TEST_POSTGRES:-}" || -z "${GRANARY_TEST_REDIS:-}" ]]; then
    exports="$(scripts/services.sh start | grep '^export ')"
    eval "$exports"
fi
[[ -n "${GRANARY_TEST_POSTGRES:-}" ]] || die "GRANARY_TEST_POSTGRES is not set"
[[ -n "${GRANARY_TEST_REDIS:-}" ]] || die "GRANARY_TEST_REDIS is not set"
STORAGE_REDIS="$GRANARY_TEST_REDIS"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "building src/Silo and bench/Http.Bench (Release) ..."
timeout 300 dotnet build -c Release --nologo -v quiet src/Silo/Silo.csproj >&2
timeout 300 dotnet build -c Release --nologo -v quiet bench/Http.Bench/Http.Bench.csproj >&2
SILO_DLL="$PWD/src/Silo/bin/Release/net10.0/Granary.Silo.dll"
BENCH_DLL="$PWD/bench/Http.Bench/bin/Release/net10.0/Granary.HttpBench.dll"

# ---------------------------------------------------------------- processes
RUN_ID="$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# The run's own database on the server of GRANARY_TEST_POSTGRES (an Npgsql connection string).
conn_field() {
    tr ';' '\n' <<<"$GRANARY_TEST_POSTGRES" | awk -v key="$1" '{ i = index($0, "="); k = tolower(substr($0, 1, i - 1)); gsub(/ /, "", k) }
        k == key { print substr($0, i + 1); exit }'
}
psql_admin() {
    PGPASSWORD="$(conn_field password)" PGCONNECT_TIMEOUT=10 psql -h "$(conn_field host)" -p "$(conn_field port)" \
        -U "$(conn_field username)" -d "$(conn_field database)" -v ON_ERROR_STOP=1 -qAtc "$1"
}
# psql_bench <sql>: the run's database, one value per line (fields separated by |).
psql_bench() {
    PGPASSWORD="$(conn_field password)" PGCONNECT_TIMEOUT=10 psql -h "$(conn_field host)" -p "$(conn_field port)" \
        -U "$(conn_field username)" -d "${BENCH_DATABASE:-$(conn_field database)}" -v ON_ERROR_STOP=1 -qAtc "$1"
}
# CPU seconds of every postgres process (the server and its backends) so far.
postgres_cpu_seconds() {
    local pid total=0
    for pid in $(pgrep -x postgres || true); do
        total="$(awk -v t="$total" -v c="$(cpu_seconds "$pid")" 'BEGIN { print t + c }')"
    done
    echo "$total"
}
# redis_info <field>: a figure of the reminder Redis's INFO (total_commands_processed, used_cpu_sys, used_cpu_user).
redis_info() {
    redis-cli -h "${STORAGE_REDIS%%:*}" -p "${STORAGE_REDIS##*:}" INFO all 2>/dev/null | tr -d '\r' | awk -F: -v f="$1" '$1 == f { print $2 }'
}
redis_cpu_seconds() { awk -v s="$(redis_info used_cpu_sys)" -v u="$(redis_info used_cpu_user)" 'BEGIN { print s + u }'; }
# Transactions committed in the run's database (group commits share one).
database_commits() { psql_bench "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
BENCH_DATABASE=""
drop_bench_database() {
    if [[ -n "$BENCH_DATABASE" ]]; then
        psql_admin "DROP DATABASE IF EXISTS $BENCH_DATABASE WITH (FORCE)" >/dev/null 2>&1 ||
            log "could not drop database $BENCH_DATABASE; drop it by hand"
        BENCH_DATABASE=""
    fi
}
STORAGE_POSTGRES="$GRANARY_TEST_POSTGRES"
if command -v psql >/dev/null 2>&1 && psql_admin "CREATE DATABASE granary_bench_$RUN_ID" >/dev/null 2>"$WORK/createdb.err"; then
    BENCH_DATABASE="granary_bench_$RUN_ID"
    STORAGE_POSTGRES="$(sed -E "s/(^|;)[[:space:]]*[Dd]atabase[[:space:]]*=[^;]*/\1Database=$BENCH_DATABASE/" <<<"$GRANARY_TEST_POSTGRES")"
    log "storage: database $BENCH_DATABASE (dropped on exit)"
else
    log "WARNING: could not create a database for this run ($(cat "$WORK/createdb.err" 2>/dev/null || echo 'psql not installed')); using the database of GRANARY_TEST_POSTGRES"
fi
mkdir -p -- "$WORK/silo" "$WORK/const" "$WORK/seed"
DASHBOARD_PASSWORD="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
log "starting the silo on 127.0.0.1:$SILO_PORT (PostgreSQL storage, Redis reminders under a service id of the run) ..."
(
    cd -- "$WORK/silo"
    while read -r name; do unset "$name"; done < <(compgen -e | grep '^Granary__' || true)
    exec env \
        ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
        Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning \
        Logging__LogLevel__Orleans=Warning \
        Granary__SiloName="bench-http-$RUN_ID" \
        Granary__Storage__Provider=Postgres \
        Granary__Storage__Postgres__ConnectionString="$STORAGE_POSTGRES" \
        Granary__Reminders__Provider=Redis \
        Granary__Reminders__Redis__Configuration="$STORAGE_REDIS" \
        Granary__ServiceId="bench-http-$RUN_ID" \
        Granary__Cluster__SiloPort="$((SILO_PORT + 1000))" \
        Granary__Auth__SigningKey="$(head -c 32 /dev/urandom | base64)" \
        Granary__Http__AuthenticatedRequestsPerMinute=100000000 \
        Granary__Dashboard__Enabled="$([[ "$DASHBOARD" == disabled ]] && echo false || echo true)" \
        Granary__Dashboard__Username=bench Granary__Dashboard__Password="$DASHBOARD_PASSWORD" \
        dotnet "$SILO_DLL" --urls "http://127.0.0.1:$SILO_PORT"
) >"$WORK/silo.log" 2>&1 &
SILO_PID=$!

log "starting the constant-JSON Kestrel endpoint on 127.0.0.1:$CONST_PORT ..."
(
    cd -- "$WORK/const"
    exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
        dotnet "$BENCH_DLL" const --urls "http://127.0.0.1:$CONST_PORT"
) >"$WORK/const.log" 2>&1 &
CONST_PID=$!

wait_http "http://127.0.0.1:$SILO_PORT/health/ready" "$SILO_PID" "the silo"
wait_http "http://127.0.0.1:$CONST_PORT/const" "$CONST_PID" "the constant-JSON endpoint"

log "seeding $ORDERS orders through the API (concurrency $SEED_CONCURRENCY) ..."
seed_started=$SECONDS
timeout "$SEED_TIMEOUT" dotnet "$BENCH_DLL" seed "http://127.0.0.1:$SILO_PORT" "$ORDERS" "$SEED_CONCURRENCY" "$WORK/seed" >"$WORK/seed.out" ||
    die "seeding failed or took more than ${SEED_TIMEOUT}s"
log "seeded in $((SECONDS - seed_started))s"

BENCH_TOKEN="$(cat "$WORK/seed/token")"
BENCH_ORG="$(cat "$WORK/seed/org")"
export BENCH_TOKEN BENCH_ORG BENCH_IDS="$WORK/seed/order-ids.txt" BENCH_BODY="$WORK/seed/order-body.json"

# ---------------------------------------------------------------- measurements
declare -A RPS P50 P99 ERRORS SERVER_CPU WRK_CPU OTHER_CPU

# warm_up <name> <base url> <script> <seconds> [BENCH_PATH [BENCH_AUTH]]: load nobody measures.
warm_up() {
    local name="$1" url="$2" script="$3" seconds="$4"
    export BENCH_PATH="${5:-}" BENCH_AUTH="${6:-0}" BENCH_RUN="$RUN_ID-$1-warmup"
    log "$name: warm-up ${seconds}s (wrk -t$THREADS -c$CONNECTIONS) ..."
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s -s "$script" "$url" >"$WORK/wrk-$name-warmup.out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk warm-up of $name failed: $(cat "$WORK/wrk-$name-warmup.out")"
    WRK_PID=""
}

# run_wrk <name> <server pid> <base url> <script> <seconds> <warm-up seconds, 0 for none> [BENCH_PATH [BENCH_AUTH]]
run_wrk() {
    local name="$1" pid="$2" url="$3" script="$4" duration="$5" warmup="$6" out="$WORK/wrk-$1.out" line
    local cpu0 cpu1 wcpu0 wcpu1 mcpu0 mcpu1
    if ((warmup > 0)); then
        warm_up "$name" "$url" "$script" "$warmup" "${7:-}" "${8:-0}"
    fi
    export BENCH_PATH="${7:-}" BENCH_AUTH="${8:-0}"
    log "$name: ${duration}s (wrk -t$THREADS -c$CONNECTIONS) ..."
    export BENCH_RUN="$RUN_ID-$name"
    cpu0="$(cpu_seconds "$pid")"
    times >"$WORK/times"
    wcpu0="$(children_cpu_seconds)"
    mcpu0="$(machine_busy_seconds)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${duration}s" --timeout 5s --latency -s "$script" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk run of $name failed: $(cat "$out")"
    WRK_PID=""
    cpu1="$(cpu_seconds "$pid")"
    times >"$WORK/times"
    wcpu1="$(children_cpu_seconds)"
    mcpu1="$(machine_busy_seconds)"
    line="$(grep '^WRK_RESULT ' "$out")" || die "no WRK_RESULT line in the wrk output of $name: $(cat "$out")"
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
    RPS[$name]="$(field rps)"
    P50[$name]="$(awk -v us="$(field p50_us)" 'BEGIN { printf "%.2f", us / 1000 }')"
    P99[$name]="$(awk -v us="$(field p99_us)" 'BEGIN { printf "%.2f", us / 1000 }')"
    ERRORS[$name]=$(($(field errors_connect) + $(field errors_read) + $(field errors_write) + $(field errors_status) + $(field errors_timeout)))
    local seconds
    seconds="$(field duration_s)"
    SERVER_CPU[$name]="$(awk -v a="$cpu0" -v b="$cpu1" -v s="$seconds" 'BEGIN { printf "%.2f", (b - a) / s }')"
    WRK_CPU[$name]="$(awk -v a="$wcpu0" -v b="$wcpu1" -v s="$seconds" 'BEGIN { printf "%.2f", (b - a) / s }')"
    # Everything else on the machine (PostgreSQL, other processes) during the run.
    OTHER_CPU[$name]="$(awk -v a="$mcpu0" -v b="$mcpu1" -v s="$seconds" -v srv="${SERVER_CPU[$name]}" -v w="${WRK_CPU[$name]}" \
        'BEGIN { o = (b - a) / s - srv - w; printf "%.2f", (o < 0 ? 0 : o) }')"
    ((ERRORS[$name] == 0)) || log "$name: ${ERRORS[$name]} errors or non-2xx answers: $(cat "$out")"
}

SILO_URL="http://127.0.0.1:$SILO_PORT"
LOAD_BEFORE="$(cut -d ' ' -f 1 /proc/loadavg)"

# silo_jit_methods: methods the silo's JIT has compiled so far (the runtime's counter on its /metrics), or nothing.
silo_jit_methods() {
    curl -s --max-time 5 -u "bench:$DASHBOARD_PASSWORD" "$SILO_URL/metrics" |
        awk '/^dotnet_jit_compiled_methods_total/ { n += $NF; found = 1 } END { if (found) printf "%d", n }'
}

# measure_writes <name> <script> <warm-up seconds> <count sql> <unit>: <name> after a warm-up, with the write
# breakdown of its measured run per <unit> (orders created, orders confirmed: what <count sql> counts before and after).
# Sets WRITES[<name>_*] and the statements table $WORK/statements-<name>.
declare -A WRITES
measure_writes() {
    local name="$1" script="$2" warmup="$3" count_sql="$4" unit="$5" pg0 pg1 wal0 wal1 count0 count1 count jit0 commits0 redis0 rcpu0
    if ((warmup > 0)); then
        warm_up "$name" "$SILO_URL" "$script" "$warmup"
    fi
    psql_bench "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 ||
        log "WARNING: pg_stat_statements is not available (scripts/services.sh preloads it; restart PostgreSQL after upgrading)"
    sleep 1 # lets the warm-up's last requests finish
    count0="$(psql_bench "$count_sql")"
    wal0="$(psql_bench "SELECT pg_current_wal_lsn()")"
    psql_bench "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true
    pg0="$(postgres_cpu_seconds)"
    jit0="$(silo_jit_methods)"
    commits0="$(database_commits)"
    redis0="$(redis_info total_commands_processed)"
    rcpu0="$(redis_cpu_seconds)"
    run_wrk "$name" "$SILO_PID" "$SILO_URL" "$script" "$DURATION" 0
    sleep 1
    pg1="$(postgres_cpu_seconds)"
    WRITES[${name}_redis_cpu]="$rcpu0 $(redis_cpu_seconds)"
    WRITES[${name}_redis_commands]="$redis0 $(redis_info total_commands_processed)"
    sleep 1 # PostgreSQL publishes a backend's transaction counts within a second of its last one
    WRITES[${name}_commits]="$commits0 $(database_commits)"
    WRITES[${name}_jit_methods]="$(awk -v a="$jit0" -v b="$(silo_jit_methods)" 'BEGIN { if (a == "" || b == "") print "n/a"; else print b - a }')"
    wal1="$(psql_bench "SELECT pg_current_wal_lsn()")"
    count1="$(psql_bench "$count_sql")"
    count=$((count1 - count0))
    ((count > 0)) || die "$name: no $unit in the measured run"
    WRITES[${name}_count]="$count"
    # The counters' before/after pairs become per-unit figures (the bench's own probes are a handful in thousands).
    WRITES[${name}_commits]="$(awk -v n="$count" '{ printf "%.2f", ($2 - $1) / n }' <<<"${WRITES[${name}_commits]}")"
    WRITES[${name}_redis_commands]="$(awk -v n="$count" 'NF == 2 { printf "%.2f", ($2 - $1) / n; next } { print "n/a" }' <<<"${WRITES[${name}_redis_commands]}")"
    WRITES[${name}_redis_cpu_us]="$(awk -v n="$count" '{ printf "%.0f", ($2 - $1) * 1e6 / n }' <<<"${WRITES[${name}_redis_cpu]}")"
    WRITES[${name}_pg_cpu_us]="$(awk -v a="$pg0" -v b="$pg1" -v n="$count" 'BEGIN { printf "%.0f", (b - a) * 1e6 / n }')"
    WRITES[${name}_wal_bytes]="$(psql_bench "SELECT round(pg_wal_lsn_diff('$wal1', '$wal0') / $count)")"
    WRITES[${name}_silo_cpu_us]="$(awk -v c="${SERVER_CPU[$name]}" -v r="${RPS[$name]}" \
        'BEGIN { printf "%.0f", (r > 0 ? c * 1e6 / r : 0) }')"
    # Every statement the silo ran in the run's database (this script's own probes excluded).
    local probes="query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_current_wal_lsn%' AND query NOT LIKE '%granary_order_list%' OR query LIKE 'INSERT%granary_order_list%'"
    WRITES[${name}_statements]="$(psql_bench "SELECT round(coalesce(sum(calls), 0)::numeric / $count, 2) FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ($probes)" 2>/dev/null || echo n/a)"
    psql_bench "SELECT round(calls::numeric / $count, 2), round(mean_exec_time::numeric, 3),
            regexp_replace(left(regexp_replace(query, '\s+', ' ', 'g'), 90), '^ ', '')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ($probes)
        ORDER BY calls DESC, query LIMIT 15" >"$WORK/statements-$name" 2>/dev/null || : >"$WORK/statements-$name"
}

# measure_post_order: post_order after a warm-up as long as the compared pair's (the write path has the most code
# to tier up, and a short warm-up measures the JIT), with its write breakdown.
measure_post_order() {
    measure_writes post_order bench/http/post_order.lua "$WARMUP" "SELECT count(*) FROM granary_order_list" "orders created"
}

# measure_confirm: confirm_order over the pending orders (seeded and post_order's), a quarter of them for a warm-up
# as long as post_order's (a confirm runs code a creation doesn't: stock, email jobs, the outbox hand-over) and the
# rest for the measured run (an order is confirmed once), with its write breakdown.
measure_confirm() {
    local pending warm
    psql_bench "SELECT split_part(grain_key, '/', 2) FROM granary_order_list WHERE status = 'Pending' ORDER BY created_at" >"$WORK/pending-ids"
    pending="$(wc -l <"$WORK/pending-ids")"
    ((pending >= 100)) || die "confirm_order: only $pending pending orders to confirm"
    warm=$((pending / 4))
    head -n "$warm" "$WORK/pending-ids" >"$WORK/pending-ids-warmup"
    tail -n "+$((warm + 1))" "$WORK/pending-ids" >"$WORK/pending-ids-measured"
    export BENCH_THREADS="$THREADS"
    BENCH_IDS="$WORK/pending-ids-warmup" warm_up confirm_order "$SILO_URL" bench/http/confirm_order.lua "$WARMUP"
    BENCH_IDS="$WORK/pending-ids-measured" measure_writes confirm_order bench/http/confirm_order.lua 0 \
        "SELECT count(*) FROM granary_order_list WHERE status = 'Confirmed'" "orders confirmed"
    ((ERRORS[confirm_order] == 0)) || log "confirm_order: ${ERRORS[confirm_order]} non-2xx answers (ran out of the $((pending - warm)) pending orders?)"
}

# measure_insert_ceiling: post_order's requests against one INSERT per request (the silo idles meanwhile).
measure_insert_ceiling() {
    log "starting the insert-ceiling Kestrel endpoint on 127.0.0.1:$INSERT_PORT ..."
    mkdir -p -- "$WORK/insert"
    (
        cd -- "$WORK/insert"
        exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
            dotnet "$BENCH_DLL" insert "$STORAGE_POSTGRES" --urls "http://127.0.0.1:$INSERT_PORT"
    ) >"$WORK/insert.log" 2>&1 &
    INSERT_PID=$!
    wait_http "http://127.0.0.1:$INSERT_PORT/ready" "$INSERT_PID" "the insert-ceiling endpoint"
    run_wrk insert_ceiling "$INSERT_PID" "http://127.0.0.1:$INSERT_PORT" bench/http/post_order.lua "$DURATION" "$WARMUP"
    stop_pid "$INSERT_PID"
    INSERT_PID=""
}

if [[ "$POST_ONLY" == 1 ]]; then
    measure_post_order
    measure_confirm
    measure_insert_ceiling
    printf '\npost_order on one silo (PostgreSQL storage), wrk -t%s -c%s, %ss after %ss of warm-up, load average before: %s\n' \
        "$THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$LOAD_BEFORE"
fi
CONST_URL="http://127.0.0.1:$CONST_PORT"
# measure_compared_pair: get_order and kestrel_const, warmed up, then in alternating rounds (ROUND_RATIOS per round).
measure_compared_pair() {
    warm_up kestrel_const "$CONST_URL" bench/http/get_order.lua "$WARMUP"
    warm_up get_order "$SILO_URL" bench/http/get_order.lua "$WARMUP"
    ROUND_RATIOS=()
    for ((round = 1; round <= ROUNDS; round++)); do
        run_wrk "kestrel_const_r$round" "$CONST_PID" "$CONST_URL" bench/http/get_order.lua "$DURATION" 0
        run_wrk "get_order_r$round" "$SILO_PID" "$SILO_URL" bench/http/get_order.lua "$DURATION" 0
        ROUND_RATIOS+=("$(awk -v a="${RPS[get_order_r$round]}" -v b="${RPS[kestrel_const_r$round]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')")
    done
}
# dashboard_requests: requests the silo has served under /dashboard so far (its own metrics, read with the credential).
dashboard_requests() {
    curl -s -u "bench:$DASHBOARD_PASSWORD" "$SILO_URL/metrics" |
        awk '/^http_server_request_duration_seconds_count\{/ && /http_route="[^"]*[Dd]ashboard/ { n += $NF } END { printf "%d", n }'
}
if [[ "$DASHBOARD" == watched ]]; then
    command -v chromium >/dev/null 2>&1 || die "chromium is not installed (Debian: apt-get install chromium)"
    log "opening the dashboard's overview in headless chromium (it polls the silo every second) ..."
    chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$WORK/chromium" \
        "http://bench:$DASHBOARD_PASSWORD@127.0.0.1:$SILO_PORT/dashboard/" >"$WORK/chromium.log" 2>&1 &
    BROWSER_PID=$!
    sleep 5
    kill -0 "$BROWSER_PID" 2>/dev/null || die "chromium exited: $(tail -n 5 "$WORK/chromium.log")"
fi
if [[ -n "$DASHBOARD" ]]; then
    dashboard_before="$(dashboard_requests)"
    measure_compared_pair
    dashboard_served=$(($(dashboard_requests) - dashboard_before))
    [[ "$DASHBOARD" != watched ]] || ((dashboard_served > 0)) || die "the browser made no dashboard request during the run"
    printf '\nget_order with the dashboard %s: %s alternating rounds of %ss (wrk -t%s -c%s) after %ss of warm-up, %s orders\n' \
        "$DASHBOARD" "$ROUNDS" "$DURATION" "$THREADS" "$CONNECTIONS" "$WARMUP" "$ORDERS"
    printf '%-6s %18s %14s %19s\n' round "kestrel_const rps" "get_order rps" "get_order/const"
    for ((round = 1; round <= ROUNDS; round++)); do
        printf '%-6s %18.0f %14.0f %19s\n' "$round" "${RPS[kestrel_const_r$round]}" "${RPS[get_order_r$round]}" "${ROUND_RATIOS[round - 1]}"
    done
    median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    printf '\ndashboard_mode: %s\n' "$DASHBOARD"
    printf 'get_order_rps: %s\n' "$(for ((r = 1; r <= ROUNDS; r++)); do printf '%.0f\n' "${RPS[get_order_r$r]}"; done | median)"
    printf 'get_order_vs_const: %s\n' "$(printf '%s\n' "${ROUND_RATIOS[@]}" | median)"
    printf 'get_order_vs_const_rounds: %s\n' "${ROUND_RATIOS[*]}"
    printf 'dashboard_requests_during_run: %s\n' "$dashboard_served"
    exit 0
fi
if [[ "$POST_ONLY" != 1 ]]; then
measure_compared_pair
run_wrk kestrel_const_static "$CONST_PID" "$CONST_URL" bench/http/get_path.lua "$DIAG_DURATION" "$DIAG_WARMUP" /const
stop_pid "$CONST_PID"
CONST_PID=""

# take_median_round <name>: the figures of the round whose requests/s is the median become those of <name>.
take_median_round() {
    local name="$1" round
    round="$(for ((r = 1; r <= ROUNDS; r++)); do printf '%s %s\n' "${RPS[${name}_r$r]}" "$r"; done | sort -n | awk '{ r[NR] = $2 } END { print r[int((NR + 1) / 2)] }')"
    RPS[$name]="${RPS[${name}_r$round]}"
    P50[$name]="${P50[${name}_r$round]}"
    P99[$name]="${P99[${name}_r$round]}"
    SERVER_CPU[$name]="${SERVER_CPU[${name}_r$round]}"
    WRK_CPU[$name]="${WRK_CPU[${name}_r$round]}"
    OTHER_CPU[$name]="${OTHER_CPU[${name}_r$round]}"
    ERRORS[$name]=0
    for ((r = 1; r <= ROUNDS; r++)); do ERRORS[$name]=$((ERRORS[$name] + ERRORS[${name}_r$r])); done
}
take_median_round kestrel_const
take_median_round get_order
GET_ORDER_VS_CONST="$(printf '%s\n' "${ROUND_RATIOS[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"

# Diagnostics, shorter: where a cached GET's time goes. health_live is the silo's middleware pipeline alone (no
# auth header, no rate limit, no grain); health_live_auth adds bearer authentication (a known token: one lookup);
# get_org is auth + rate limiter + the membership check + one more call to the same grain.
run_wrk health_live "$SILO_PID" "$SILO_URL" bench/http/get_path.lua "$DIAG_DURATION" "$DIAG_WARMUP" /health/live
run_wrk health_live_auth "$SILO_PID" "$SILO_URL" bench/http/get_path.lua "$DIAG_DURATION" "$DIAG_WARMUP" /health/live 1
run_wrk get_org "$SILO_PID" "$SILO_URL" bench/http/get_path.lua "$DIAG_DURATION" "$DIAG_WARMUP" "/api/v1/orgs/$BENCH_ORG" 1
# Last: every POST writes to PostgreSQL, which must not disturb the read-only runs.
measure_post_order
measure_confirm
measure_insert_ceiling
fi

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
# print_breakdown <name> <unit>: the statements of <name>'s measured run per <unit>, then its figures.
print_breakdown() {
    local name="$1" unit="$2"
    printf '\n%s writes, per %s (%s in the measured run; pg_stat_statements, postgres CPU, WAL):\n' "$name" "$unit" "${WRITES[${name}_count]}"
    printf '%-12s %12s  %s\n' "calls/$unit" "mean ms" statement
    awk -F'|' '{ printf "%-12s %12s  %s\n", $1, $2, $3 }' "$WORK/statements-$name"
}
print_writes() {
    print_breakdown post_order order
    print_breakdown confirm_order confirm
    printf '\npost_order_rps: %.0f\npost_order_p50_ms: %s\npost_order_p99_ms: %s\npost_order_errors: %s\n' \
        "${RPS[post_order]}" "${P50[post_order]}" "${P99[post_order]}" "${ERRORS[post_order]}"
    printf 'post_order_server_cpu_cores: %s\npost_order_other_cpu_cores: %s\n' "${SERVER_CPU[post_order]}" "${OTHER_CPU[post_order]}"
    printf 'statements_per_order: %s\npg_cpu_us_per_order: %s\nwal_bytes_per_order: %s\n' \
        "${WRITES[post_order_statements]}" "${WRITES[post_order_pg_cpu_us]}" "${WRITES[post_order_wal_bytes]}"
    printf 'silo_cpu_us_per_order: %s\npost_order_jit_methods_during_run: %s\n' "${WRITES[post_order_silo_cpu_us]}" "${WRITES[post_order_jit_methods]}"
    printf 'commits_per_order: %s\nredis_commands_per_order: %s\nredis_cpu_us_per_order: %s\n' \
        "${WRITES[post_order_commits]}" "${WRITES[post_order_redis_commands]}" "${WRITES[post_order_redis_cpu_us]}"
    printf 'confirm_rps: %.0f\nconfirm_p50_ms: %s\nconfirm_p99_ms: %s\nconfirm_errors: %s\n' \
        "${RPS[confirm_order]}" "${P50[confirm_order]}" "${P99[confirm_order]}" "${ERRORS[confirm_order]}"
    printf 'statements_per_confirm: %s\npg_cpu_us_per_confirm: %s\nwal_bytes_per_confirm: %s\nsilo_cpu_us_per_confirm: %s\n' \
        "${WRITES[confirm_order_statements]}" "${WRITES[confirm_order_pg_cpu_us]}" "${WRITES[confirm_order_wal_bytes]}" "${WRITES[confirm_order_silo_cpu_us]}"
    printf 'confirm_jit_methods_during_run: %s\n' "${WRITES[confirm_order_jit_methods]}"
    printf 'commits_per_confirm: %s\nredis_commands_per_confirm: %s\nredis_cpu_us_per_confirm: %s\n' \
        "${WRITES[confirm_order_commits]}" "${WRITES[confirm_order_redis_commands]}" "${WRITES[confirm_order_redis_cpu_us]}"
    printf 'insert_ceiling_rps: %.0f\ninsert_ceiling_p50_ms: %s\ninsert_ceiling_p99_ms: %s\ninsert_ceiling_errors: %s\n' \
        "${RPS[insert_ceiling]}" "${P50[insert_ceiling]}" "${P99[insert_ceiling]}" "${ERRORS[insert_ceiling]}"
    printf 'insert_ceiling_server_cpu_cores: %s\ninsert_ceiling_other_cpu_cores: %s\npost_order_vs_insert_ceiling: %s\nconfirm_vs_insert_ceiling: %s\n' \
        "${SERVER_CPU[insert_ceiling]}" "${OTHER_CPU[insert_ceiling]}" "$(ratio "${RPS[post_order]}" "${RPS[insert_ceiling]}")" \
        "$(ratio "${RPS[confirm_order]}" "${RPS[insert_ceiling]}")"
}
if [[ "$POST_ONLY" == 1 ]]; then
    print_writes
    exit 0
fi
TARGETS=(kestrel_const get_order post_order confirm_order kestrel_const_static health_live health_live_auth get_org)
# get_order's ratio is the median of its paired rounds; the others are against the median const round.
vs_const() { if [[ "$1" == get_order ]]; then printf '%s' "$GET_ORDER_VS_CONST"; else ratio "${RPS[$1]}" "${RPS[kestrel_const]}"; fi; }
printf '\nHTTP on one silo (PostgreSQL storage, %s orders) vs a constant-JSON Kestrel endpoint, on loopback, %s cores\n' \
    "$ORDERS" "$(nproc)"
printf 'load average (1 min) before the measurements: %s\n' "$LOAD_BEFORE"
printf 'wrk -t%s -c%s; kestrel_const and get_order: %s alternating rounds of %ss after %ss of warm-up each, the median\n' \
    "$THREADS" "$CONNECTIONS" "$ROUNDS" "$DURATION" "$WARMUP"
printf 'round shown; post_order and insert_ceiling %ss after %ss of warm-up; kestrel_const_static, health_live, health_live_auth,\n' \
    "$DURATION" "$WARMUP"
printf 'get_org %ss, each after %ss of warm-up\n\n' "$DIAG_DURATION" "$DIAG_WARMUP"
printf '%-6s %18s %14s %19s\n' round "kestrel_const rps" "get_order rps" "get_order/const"
for ((round = 1; round <= ROUNDS; round++)); do
    printf '%-6s %18.0f %14.0f %19s\n' "$round" "${RPS[kestrel_const_r$round]}" "${RPS[get_order_r$round]}" "${ROUND_RATIOS[round - 1]}"
done
printf '%-6s %18s %14s %19s\n\n' median "" "" "$GET_ORDER_VS_CONST"
printf '%-20s %12s %9s %9s %8s %11s %9s %10s %9s\n' target "requests/s" "p50 ms" "p99 ms" errors "server cpu" "wrk cpu" "other cpu" "vs const"
for name in "${TARGETS[@]}"; do
    printf '%-20s %12.0f %9s %9s %8s %11s %9s %10s %9s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}" "${ERRORS[$name]}" \
        "${SERVER_CPU[$name]}" "${WRK_CPU[$name]}" "${OTHER_CPU[$name]}" "$(vs_const "$name")"
done
printf '\n(cpu in cores, CPU seconds per wall second during the measured run: the server process, wrk, and everything\n'
printf 'else on the machine, e.g. PostgreSQL or other jobs; a busy machine makes every figure lower)\n\n'
cat "$WORK/seed.out"
printf 'load_avg_1m_before: %s\n' "$LOAD_BEFORE"
for name in "${TARGETS[@]}"; do
    printf '%s_rps: %.0f\n%s_p50_ms: %s\n%s_p99_ms: %s\n%s_errors: %s\n%s_server_cpu_cores: %s\n%s_wrk_cpu_cores: %s\n' \
        "$name" "${RPS[$name]}" "$name" "${P50[$name]}" "$name" "${P99[$name]}" "$name" "${ERRORS[$name]}" \
        "$name" "${SERVER_CPU[$name]}" "$name" "${WRK_CPU[$name]}"
    printf '%s_other_cpu_cores: %s\n' "$name" "${OTHER_CPU[$name]}"
done
for name in "${TARGETS[@]:1}"; do
    printf '%s_vs_const: %s\n' "$name" "$(vs_const "$name")"
done
printf 'get_order_vs_const_rounds: %s\n' "${ROUND_RATIOS[*]}"
print_breakdown post_order order
print_breakdown confirm_order confirm
printf '\n'
print_writes | grep -E '^(statements_per_|commits_per_|redis_commands_per_|redis_cpu_us_per_|pg_cpu_us_per_|wal_bytes_per_|silo_cpu_us_per_|post_order_jit_methods_during_run|confirm_jit_methods_during_run|confirm_rps|insert_ceiling_|post_order_vs_insert_ceiling|confirm_vs_insert_ceiling)'
