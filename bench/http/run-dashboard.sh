#!/usr/bin/env bash
# `bench/run.sh dashboard`: get_order throughput with the Orleans Dashboard disabled, enabled and unwatched, and
# enabled with a browser open on it. Each mode is bench/http/run-http.sh's compared pair (GRANARY_BENCH_HTTP_DASHBOARD)
# on a fresh silo; the modes are compared through their get_order/const ratios, which cancel the machine's drift
# between runs. GRANARY_BENCH_HTTP_* settings apply (defaults here: 2,000 orders, 3 rounds of 10 s).
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/../.."

export GRANARY_BENCH_HTTP_ORDERS="${GRANARY_BENCH_HTTP_ORDERS:-2000}"
declare -A RPS RATIO ROUNDS REQUESTS
for mode in disabled unwatched watched; do
    printf 'bench/run.sh dashboard: %s ...\n' "$mode" >&2
    out="$(GRANARY_BENCH_HTTP_DASHBOARD="$mode" bench/http/run-http.sh)"
    printf '%s\n' "$out" | sed -n '/^get_order with the dashboard/,/^$/p'
    RPS[$mode]="$(awk -F': ' '$1 == "get_order_rps" { print $2 }' <<<"$out")"
    RATIO[$mode]="$(awk -F': ' '$1 == "get_order_vs_const" { print $2 }' <<<"$out")"
    ROUNDS[$mode]="$(awk -F': ' '$1 == "get_order_vs_const_rounds" { print $2 }' <<<"$out")"
    REQUESTS[$mode]="$(awk -F': ' '$1 == "dashboard_requests_during_run" { print $2 }' <<<"$out")"
done

cost() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? (1 - a / b) * 100 : 0) }'; }
printf '\nThe Orleans Dashboard'"'"'s cost to GET …/orders/{id} (one silo, PostgreSQL storage, %s cores)\n\n' "$(nproc)"
printf '%-10s %14s %16s %22s %16s\n' dashboard "get_order rps" "get_order/const" "cost vs disabled (%)" "dashboard reqs"
for mode in disabled unwatched watched; do
    printf '%-10s %14s %16s %22s %16s\n' "$mode" "${RPS[$mode]}" "${RATIO[$mode]}" "$(cost "${RATIO[$mode]}" "${RATIO[disabled]}")" "${REQUESTS[$mode]}"
done
printf '\n'
for mode in disabled unwatched watched; do
    printf 'dashboard_%s_get_order_rps: %s\ndashboard_%s_vs_const: %s\ndashboard_%s_vs_const_rounds: %s\n' \
        "$mode" "${RPS[$mode]}" "$mode" "${RATIO[$mode]}" "$mode" "${ROUNDS[$mode]}"
done
printf 'dashboard_unwatched_cost_pct: %s\ndashboard_watched_cost_pct: %s\n' \
    "$(cost "${RATIO[unwatched]}" "${RATIO[disabled]}")" "$(cost "${RATIO[watched]}" "${RATIO[disabled]}")"
