#!/usr/bin/env bash
# Granary benchmarks: one command per benchmark family, built and run in Release.
#
#   bench/run.sh runtime [all|calls|pg|reminders]
#
# runtime    in-process silo (bench/Runtime.Bench): local grain calls, PostgreSQL state
#            writes vs plain Npgsql, reminder lateness. Prints a table, then one
#            "name: value" line per figure so runs can be compared.
#
# For the PostgreSQL scenario (pg, or all) the local services are started with
# scripts/services.sh unless GRANARY_TEST_POSTGRES is already set.
set -euo pipefail

readonly PROG="bench/run.sh"

usage() {
    cat >&2 <<EOF
usage: $PROG <family> [scenario]

  runtime [all|calls|pg|reminders]   in-process silo benchmarks (default: all)
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
    *)
        printf "%s: unknown benchmark family '%s'\n" "$PROG" "$1" >&2
        usage
        exit 2
        ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run -c Release --project "$project" -- "$@"
