#!/usr/bin/env bash
# Keeps one command running as compose's `restart: unless-stopped` does, for scripts/topology.sh (no Docker engine
# here): whenever the command exits — a crash, Environment.FailFast, a silo that stopped itself because the
# membership table lost it — it is started again, after 1 s, doubling up to 16 s while it keeps exiting within
# 10 s of its start (a crash loop), back to 1 s after a run that lasted longer. An operator's stop or kill goes
# through topology.sh, which ends this supervisor first (SIGKILL; the command lives on in its own right) so
# nothing restarts what was stopped on purpose.
#
#   scripts/restart-policy.sh PIDFILE COMMAND [ARG...]
#
# PIDFILE gets the running command's pid on every start. Output is the command's (the caller redirects both);
# the supervisor adds one line per restart to standard error.
set -uo pipefail

(($# >= 2)) || {
    echo "usage: scripts/restart-policy.sh PIDFILE COMMAND [ARG...]" >&2
    exit 2
}
pidfile="$1"
shift

delay=1
while :; do
    started=$SECONDS
    "$@" &
    child=$!
    printf '%s\n' "$child" >"$pidfile"
    wait "$child"
    status=$?
    if ((SECONDS - started >= 10)); then delay=1; fi
    printf '%s restart-policy: %s exited with status %s; starting it again in %s s\n' \
        "$(date -u +%H:%M:%S)" "$1" "$status" "$delay" >&2
    sleep "$delay"
    if ((SECONDS - started < 10)); then delay=$((delay * 2 > 16 ? 16 : delay * 2)); fi
done
