#!/usr/bin/env bash
# Granary benchmarks: one command per benchmark family, built and run in Release.
#
#   bench/run.sh runtime [all|calls|pg|reminders]
#   bench/run.sh cluster [all|calls|detection]
#   bench/run.sh jobs [all|webhooks]
#   bench/run.sh http
#
# runtime    in-process silo (bench/Runtime.Bench): local grain calls, PostgreSQL state
#            writes vs plain Npgsql, reminder lateness.
# cluster    two silos in a Redis-membership cluster on loopback: the bench process as
#            silo A, the Release build of src/Silo as silo B (a second process): remote
#            vs local grain calls in the same run, raw transport ping; then two silo
#            processes with default timings, one SIGKILLed: time until its row is Dead.
# jobs       outbound webhook jobs, enqueue to completion: 20,000 deliveries (after 5,000 unmeasured,
#            as the JIT is still busy after 1,000), each with a fresh id, started through
#            IWebhookDeliveryGrain.Start with 256 calls outstanding, to one endpoint whose URL is a Kestrel
#            receiver in the bench process answering 200 at once. Reports jobs/s (deliveries / (last
#            completion - first Start call)), p50/p99 of Start call -> first receipt, errors, and where
#            the CPU went (bench, silos, postgres, redis), on one silo (the bench process: PostgreSQL
#            storage, Redis reminders) and on three (+ two Release src/Silo processes).
# http       one silo process (Release src/Silo, PostgreSQL storage in a database of the run's own,
#            memory reminders) seeded through its API with 10,000 orders, then wrk on loopback: GET
#            …/orders/{id} over the active order grains in alternating rounds with a framework-only Kestrel
#            endpoint answering constant JSON to the very same requests (bench/Http.Bench, same hosting
#            defaults: the ceiling of this machine), then POST …/orders and diagnostics (see
#            bench/http/run-http.sh). Needs wrk (installed with apt-get when missing and running as root).
# Each prints a table, then one "name: value" line per figure so runs can be compared.
#
# For the PostgreSQL scenario (pg, or all) the local services are started with
# scripts/services.sh unless GRANARY_TEST_POSTGRES is already set; for cluster and jobs
# (which need both Redis and PostgreSQL) unless both GRANARY_TEST_REDIS and it are set.
set -euo pipefail

readonly PROG="bench/run.sh"

usage() {
    cat >&2 <<EOF
usage: $PROG <family> [scenario]

  runtime [all|calls|pg|reminders]   in-process silo benchmarks (default: all)
  cluster [all|calls|detection]      two-silo benchmarks over Redis (default: all)
  jobs [all|webhooks]                webhook job throughput on one silo and on three (default: all)
  http                               one silo over HTTP with wrk vs a constant-JSON Kestrel endpoint
EOF
}

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

if (($# == 0)); then
    usage
    exit 2
fi

case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    runtime)
        project="bench/Runtime.Bench"
        if (($# > 2)); then
            printf '%s: too many arguments for runtime: %s\n' "$PROG" "$*" >&2
            usage
            exit 2
        fi
        scenario="${2:-all}"
        case "$scenario" in
            all | calls | pg | reminders) ;;
            *)
                printf "%s: unknown runtime scenario '%s'\n" "$PROG" "$scenario" >&2
                usage
                exit 2
                ;;
        esac
        if [[ "$scenario" == all || "$scenario" == pg ]] && [[ -z "${GRANARY_TEST_POSTGRES:-}" ]] && [[ -x scripts/services.sh ]]; then
            exports="$(scripts/services.sh start | grep '^export ')"
            eval "$exports"
        fi
        ;;
    cluster | jobs)
        project="bench/Runtime.Bench"
        if (($# > 2)); then
            printf '%s: too many arguments for %s: %s\n' "$PROG" "$1" "$*" >&2
            usage
            exit 2
        fi
        case "$1 ${2:-all}" in
            "cluster all" | "cluster calls" | "cluster detection" | "jobs all" | "jobs webhooks") ;;
            *)
                printf "%s: unknown %s scenario '%s'\n" "$PROG" "$1" "$2" >&2
                usage
                exit 2
                ;;
        esac
        # Clustered silos share PostgreSQL storage and Redis membership and reminders.
        if [[ -z "${GRANARY_TEST_REDIS:-}" || -z "${GRANARY_TEST_POSTGRES:-}" ]]; then
            exports="$(scripts/services.sh start | grep '^export ')"
            eval "$exports"
        fi
        # Silo B, the detection silos and the jobs' second and third silos are the real silo executable, built in Release.
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
    *)
        printf "%s: unknown benchmark family '%s'\n" "$PROG" "$1" >&2
        usage
        exit 2
        ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run -c Release --project "$project" -- "$@"
