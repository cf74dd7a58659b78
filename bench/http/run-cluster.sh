#!/usr/bin/env bash
# `bench/run.sh http-cluster`: the write path of `http` (post_order, confirm_order) through nginx in front of a local
# cluster of N silos (scripts/cluster.sh: Redis membership and reminders, PostgreSQL storage), for each N of
# GRANARY_BENCH_CLUSTER_SILOS (default "1 3"), each on a fresh cluster under a service id of its own:
#   1. scripts/cluster.sh up N in a directory of the run's own, on ports of its own (HTTP 18081.., silo 21111..,
#      nginx 18080), with the per-user rate limit lifted (wrk runs as one user);
#   2. bench/Http.Bench seeds GRANARY_BENCH_HTTP_ORDERS orders (default 6,000) through nginx;
#   3. wrk -t2 -c64 through nginx: post_order for GRANARY_BENCH_HTTP_WARMUP s (default 15) unmeasured, then
#      GRANARY_BENCH_HTTP_DURATION s (default 10) measured; confirm_order over the seeded orders for
#      GRANARY_BENCH_CLUSTER_CONFIRM s (default 6, so no order is confirmed twice);
#   4. scripts/cluster.sh down, then the run's grain state, read-model rows, reminders and membership are deleted.
# On a machine with fewer cores than silos the silos share the cores: the 3-silo figures then show what the hops
# between silos cost (two requests in three reach a silo that doesn't host the new order's grain), not scaling.
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/../.."

readonly PROG="bench/run.sh http-cluster"
SILO_COUNTS="${GRANARY_BENCH_CLUSTER_SILOS:-1 3}"
ORDERS="${GRANARY_BENCH_HTTP_ORDERS:-6000}"
WARMUP="${GRANARY_BENCH_HTTP_WARMUP:-15}"
DURATION="${GRANARY_BENCH_HTTP_DURATION:-10}"
CONFIRM="${GRANARY_BENCH_CLUSTER_CONFIRM:-6}"
PROXY=18080
URL="http://127.0.0.1:$PROXY"
WORK="$(mktemp -d -t granary-bench-cluster-XXXXXX)"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}
for n in $SILO_COUNTS; do [[ "$n" =~ ^[1-9]$ ]] || die "GRANARY_BENCH_CLUSTER_SILOS takes silo counts 1-9, not '$n'"; done
command -v wrk >/dev/null || die "wrk is not installed (bench/run.sh http installs it)"

if [[ -z "${GRANARY_TEST_POSTGRES:-}" || -z "${GRANARY_TEST_REDIS:-}" ]]; then
    exports="$(scripts/services.sh start | grep '^export ')"
    eval "$exports"
fi
[[ -n "${GRANARY_TEST_POSTGRES:-}" && -n "${GRANARY_TEST_REDIS:-}" ]] || die "GRANARY_TEST_POSTGRES and GRANARY_TEST_REDIS are not set"
REDIS_HOST="${GRANARY_TEST_REDIS%%:*}" REDIS_PORT="${GRANARY_TEST_REDIS##*:}"
conn_field() {
    tr ';' '\n' <<<"$GRANARY_TEST_POSTGRES" | awk -v key="$1" '{ i = index($0, "="); k = tolower(substr($0, 1, i - 1)); gsub(/ /, "", k) }
        k == key { print substr($0, i + 1); exit }'
}
# psql_cluster <sql>: the database scripts/cluster.sh's silos use (granary, beside the tests' granary_test).
psql_cluster() {
    PGPASSWORD="$(conn_field password)" PGCONNECT_TIMEOUT=10 psql -h "$(conn_field host)" -p "$(conn_field port)" \
        -U "$(conn_field username)" -d granary -v ON_ERROR_STOP=1 -qAtc "$1"
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
timeout 300 dotnet build -c Release --nologo -v quiet src/Silo/Silo.csproj >&2
timeout 300 dotnet build -c Release --nologo -v quiet bench/Http.Bench/Http.Bench.csproj >&2
BENCH_DLL="$PWD/bench/Http.Bench/bin/Release/net10.0/Granary.HttpBench.dll"

CURRENT_DIR="" CURRENT_SERVICE="" CURRENT_ORG=""
# Stops the cluster of the current run and deletes what it stored.
clean_up() {
    [[ -n "$CURRENT_DIR" ]] || return 0
    bash scripts/cluster.sh down --dir "$CURRENT_DIR" >/dev/null 2>&1 || log "could not stop the cluster in $CURRENT_DIR"
    psql_cluster "DELETE FROM granary_grain_storage WHERE service_id = '$CURRENT_SERVICE'" >/dev/null 2>&1 || true
    if [[ -n "$CURRENT_ORG" ]]; then
        for table in granary_order_list granary_email_job_list granary_webhook_delivery_list granary_stock_list granary_stock_reservations; do
            psql_cluster "DELETE FROM $table WHERE organization_id = '$CURRENT_ORG'" >/dev/null 2>&1 || true
        done
    fi
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "$CURRENT_SERVICE/*" 2>/dev/null |
        xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" DEL >/dev/null 2>&1 || true
    CURRENT_DIR="" CURRENT_SERVICE="" CURRENT_ORG=""
}
trap 'clean_up; rm -rf -- "$WORK"' EXIT

# wrk_figures <wrk output>: "rps p50_ms p99_ms non2xx"
wrk_figures() {
    awk '/Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /Non-2xx/ { bad = $NF }
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        END { printf "%.0f %.1f %.1f %d\n", rps, ms(p50), ms(p99), bad }' <<<"$1"
}

declare -A FIG
for n in $SILO_COUNTS; do
    CURRENT_DIR="$WORK/cluster-$n" CURRENT_SERVICE="bench-cluster-$$-$n"
    log "$n silo(s): starting (service id $CURRENT_SERVICE) ..."
    # env: a name with a dot can't be assigned by the shell.
    env GRANARY_CLUSTER_DIR="$CURRENT_DIR" GRANARY_SERVICE_ID="$CURRENT_SERVICE" GRANARY_PROXY_PORT=$PROXY \
        GRANARY_HTTP_BASE=18081 GRANARY_SILO_BASE=21111 \
        Granary__Http__AuthenticatedRequestsPerMinute=100000000 \
        Logging__LogLevel__Default=Warning Logging__LogLevel__Orleans=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning \
        bash scripts/cluster.sh up "$n" --no-build >"$WORK/up-$n.log" 2>&1 || die "the $n-silo cluster did not start: $(tail -5 "$WORK/up-$n.log")"
    seed="$WORK/seed-$n"
    mkdir -p "$seed"
    log "$n silo(s): seeding $ORDERS orders ..."
    timeout 600 dotnet "$BENCH_DLL" seed "$URL" "$ORDERS" 64 "$seed" >"$WORK/seed-$n.out" || die "seeding the $n-silo cluster failed"
    CURRENT_ORG="$(cat "$seed/org")"
    export BENCH_TOKEN BENCH_ORG="$CURRENT_ORG" BENCH_IDS="$seed/order-ids.txt" BENCH_BODY="$seed/order-body.json" BENCH_THREADS=2
    BENCH_TOKEN="$(cat "$seed/token")"
    log "$n silo(s): post_order ${WARMUP}s warm-up, ${DURATION}s measured; confirm_order ${CONFIRM}s ..."
    BENCH_RUN="warm-$$-$n" wrk -t2 -c64 -d"${WARMUP}s" --timeout 5s -s bench/http/post_order.lua "$URL" >/dev/null
    FIG[post_$n]="$(wrk_figures "$(BENCH_RUN="post-$$-$n" wrk -t2 -c64 -d"${DURATION}s" --timeout 5s --latency -s bench/http/post_order.lua "$URL")")"
    FIG[confirm_$n]="$(wrk_figures "$(BENCH_RUN="confirm-$$-$n" wrk -t2 -c64 -d"${CONFIRM}s" --timeout 5s --latency -s bench/http/confirm_order.lua "$URL")")"
    clean_up
done

printf '\npost_order and confirm_order through nginx, wrk -t2 -c64, on %s cores\n\n' "$(nproc)"
printf '%-6s %12s %9s %9s %8s %12s %9s %9s %8s\n' silos "post rps" "p50 ms" "p99 ms" non2xx "confirm rps" "p50 ms" "p99 ms" non2xx
for n in $SILO_COUNTS; do
    read -r pr p50 p99 pb <<<"${FIG[post_$n]}"
    read -r cr c50 c99 cb <<<"${FIG[confirm_$n]}"
    printf '%-6s %12s %9s %9s %8s %12s %9s %9s %8s\n' "$n" "$pr" "$p50" "$p99" "$pb" "$cr" "$c50" "$c99" "$cb"
done
printf '\n'
for n in $SILO_COUNTS; do
    read -r pr p50 p99 pb <<<"${FIG[post_$n]}"
    read -r cr c50 c99 cb <<<"${FIG[confirm_$n]}"
    printf 'silos_%s_post_order_rps: %s\nsilos_%s_post_order_p50_ms: %s\nsilos_%s_post_order_p99_ms: %s\nsilos_%s_post_order_non2xx: %s\n' \
        "$n" "$pr" "$n" "$p50" "$n" "$p99" "$n" "$pb"
    printf 'silos_%s_confirm_rps: %s\nsilos_%s_confirm_p50_ms: %s\nsilos_%s_confirm_p99_ms: %s\nsilos_%s_confirm_non2xx: %s\n' \
        "$n" "$cr" "$n" "$c50" "$n" "$c99" "$n" "$cb"
done
