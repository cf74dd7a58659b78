#!/usr/bin/env bash
# Granary benchmarks: one command per benchmark family, built and run in Release.
#
#   bench/run.sh runtime [all|calls|pg|reminders]
#   bench/run.sh cluster [all|calls|detection]
#   bench/run.sh jobs [all|webhooks]
#   bench/run.sh http
#   bench/run.sh http-cluster
#   bench/run.sh dashboard
#
# runtime    one Microsoft Orleans silo in the bench process (bench/Engine.Bench, a generic host with UseOrleans,
#            localhost clustering): local grain calls through the co-hosted grain factory (64 callers x 1,000
#            grains, rounds, median); grain state writes through Granary.Persistence (Orleans ADO.NET storage on
#            PostgreSQL, in a scratch database created and dropped) vs a plain Npgsql UPDATE; reminder lateness
#            (memory reminder service, lowered minimum period).
# cluster    Orleans silos over Redis membership on loopback (bench/Engine.Bench; the other silos are the same
#            executable started in its "silo" mode): remote vs local grain calls in the same run (the bench
#            process as silo A, grains placed on silo B and checked there); then failure detection with
#            Granary's membership options, 3 runs: a 3 s SIGSTOP stall (declared dead?), SIGKILL -> row Dead,
#            a hang (SIGSTOP for good) -> row Dead. GRANARY_BENCH_MEMBERSHIP_SETS=all (or names, comma-separated)
#            measures the other option sets the choice was made from as well.
# jobs       outbound webhook jobs on Orleans (bench/Engine.Bench), enqueue to completion: 20,000 deliveries
#            (after 5,000 unmeasured, as the JIT is still busy after 1,000), each with a fresh id, started
#            through IWebhookDeliveryGrain.Start with 256 calls outstanding, to one endpoint whose URL is a
#            Kestrel receiver in the bench process answering 200 at once. Reports jobs/s (deliveries / (last
#            completion - first Start call)), p50/p99 of Start call -> first receipt, errors, and where the CPU
#            went (bench, silos, postgres, redis), on one silo (the bench process: Granary's PostgreSQL
#            storage, Redis reminders, the domain and its read model) and on three (+ two Release src/Silo
#            processes joined over Redis membership); grain state in a scratch database per setup.
# http       one silo process (Release src/Silo, PostgreSQL storage in a database of the run's own,
#            Redis reminders) seeded through its API with 10,000 orders, then wrk on loopback: GET
#            …/orders/{id} over the active order grains in alternating rounds with a framework-only Kestrel
#            endpoint answering constant JSON to the very same requests (bench/Http.Bench, same hosting
#            defaults: the ceiling of this machine), then POST …/orders and diagnostics (see
#            bench/http/run-http.sh). Needs wrk (installed with apt-get when missing and running as root).
# http-cluster  http's write path (post_order, confirm_order) through nginx in front of scripts/cluster.sh's local
#            cluster, on 1 silo and on 3 (GRANARY_BENCH_CLUSTER_SILOS), each seeded with 6,000 orders; the run's
#            state, rows, reminders and membership are deleted afterwards (see bench/http/run-cluster.sh).
# dashboard  what the Orleans Dashboard costs: `http`'s compared pair (get_order vs kestrel_const, alternating rounds,
#            2,000 orders) three times on a fresh silo each: the dashboard disabled (Granary:Dashboard:Enabled=false),
#            enabled with nobody watching, and enabled with a headless chromium showing its overview (it polls every
#            second). The cost of each is 1 - its get_order/const ratio over the disabled one's.
# Each prints a table, then one "name: value" line per figure so runs can be compared.
#
# For the PostgreSQL scenario (pg, or all) the local services are started with
# scripts/services.sh unless GRANARY_TEST_POSTGRES is already set; for cluster unless
# GRANARY_TEST_REDIS is set; for jobs (which needs both) unless both are set.
set -euo pipefail

readonly PROG="bench/run.sh"

usage() {
    cat >&2 <<EOF
usage: $PROG <family> [scenario]

  runtime [all|calls|pg|reminders]   one Orleans silo in the bench process (default: all)
  cluster [all|calls|detection]      Orleans silo processes over Redis membership (default: all)
                                     (env GRANARY_BENCH_MEMBERSHIP_SETS=all: detection for every option set)
  jobs [all|webhooks]                webhook job throughput on one silo and on three (default: all)
  http                               one silo over HTTP with wrk vs a constant-JSON Kestrel endpoint
  http-cluster                       post_order and confirm_order through nginx on 1 and on 3 silos
  dashboard                          get_order with the dashboard disabled, enabled, and watched in a browser
EOF
}

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

if (($# == 0)); then
    usage
    exit 2
fi

# scenario_of <family> <valid scenarios...> -- <arguments>: the scenario the arguments name (all when none), or
# usage and exit 2 for a scenario the family doesn't have or too many arguments.
scenario_of() {
    local family="$1" valid=()
    shift
    while [[ "$1" != -- ]]; do
        valid+=("$1")
        shift
    done
    shift
    if (($# > 2)); then
        printf '%s: too many arguments for %s: %s\n' "$PROG" "$family" "$*" >&2
        usage
        exit 2
    fi
    local scenario="${2:-all}" name
    for name in all "${valid[@]}"; do
        if [[ "$scenario" == "$name" ]]; then
            printf '%s' "$scenario"
            return
        fi
    done
    printf "%s: unknown %s scenario '%s'\n" "$PROG" "$family" "$scenario" >&2
    usage
    exit 2
}

# Starts Redis and PostgreSQL (scripts/services.sh) and takes the GRANARY_TEST_* variables it prints.
start_services() {
    local exports
    exports="$(scripts/services.sh start | grep '^export ')"
    eval "$exports"
}

case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    runtime)
        project="bench/Engine.Bench"
        scenario="$(scenario_of runtime calls pg reminders -- "$@")"
        if [[ "$scenario" == all || "$scenario" == pg ]] && [[ -z "${GRANARY_TEST_POSTGRES:-}" ]] && [[ -x scripts/services.sh ]]; then
            start_services
        fi
        ;;
    cluster)
        project="bench/Engine.Bench"
        scenario_of cluster calls detection -- "$@" >/dev/null
        # The silos meet in Redis membership tables; nothing here touches PostgreSQL.
        if [[ -z "${GRANARY_TEST_REDIS:-}" ]]; then
            start_services
        fi
        ;;
    jobs)
        project="bench/Engine.Bench"
        scenario_of jobs webhooks -- "$@" >/dev/null
        # The silos share PostgreSQL grain storage (a scratch database per setup) and Redis membership and reminders.
        if [[ -z "${GRANARY_TEST_REDIS:-}" || -z "${GRANARY_TEST_POSTGRES:-}" ]]; then
            start_services
        fi
        # The second and third silos are Granary's silo executable, built in Release.
        export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
        dotnet build -c Release --nologo -v quiet src/Silo/Silo.csproj >&2
        export GRANARY_BENCH_SILO_DLL="$PWD/src/Silo/bin/Release/net10.0/Granary.Silo.dll"
        ;;
    http)
        if (($# > 1)); then
            printf '%s: too many arguments for http: %s\n' "$PROG" "$*" >&2
            usage
            exit 2
        fi
        exec bench/http/run-http.sh
        ;;
    http-cluster)
        if (($# > 1)); then
            printf '%s: too many arguments for http-cluster: %s\n' "$PROG" "$*" >&2
            usage
            exit 2
        fi
        exec bench/http/run-cluster.sh
        ;;
    dashboard)
        if (($# > 1)); then
            printf '%s: too many arguments for dashboard: %s\n' "$PROG" "$*" >&2
            usage
            exit 2
        fi
        exec bench/http/run-dashboard.sh
        ;;
    *)
        printf "%s: unknown benchmark family '%s'\n" "$PROG" "$1" >&2
        usage
        exit 2
        ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run -c Release --project "$project" -- "$@"
