#!/usr/bin/env bash
# Runs a local Granary cluster: N Orleans silo processes on this machine against the local Redis
# (Orleans's membership table and reminders) and PostgreSQL (grain state, read model), with nginx
# in front on one port. Silo ports listen on 127.0.0.1 only: silo-to-silo traffic is plain TCP.
#
#   scripts/cluster.sh up N   [--dir DIR] [--no-build]
#   scripts/cluster.sh down   [--dir DIR]
#   scripts/cluster.sh status [--dir DIR]
#
# up N     starts Redis and PostgreSQL (scripts/services.sh start), builds src/Silo in Release
#          (only when a silo has to start), starts silo-1..silo-N (each waits until
#          /health/ready answers 200), then starts nginx or reloads it with the new upstream.
#          Run it again with another N to scale: new silos join, extra ones leave gracefully
#          (SIGTERM). Idempotent: `up 3` on a running 3-silo cluster changes nothing.
# down     stops nginx and every silo (SIGTERM, SIGKILL after GRANARY_STOP_TIMEOUT), leaves
#          Redis and PostgreSQL running (scripts/services.sh stop stops them).
# status   each silo's pid, ports and /health/ready answer, nginx, the membership view (a
#          silo's /health/ready and Orleans's membership hash in Redis); exits non-zero unless
#          silo-1..silo-N all answer 200 and nginx runs.
#
# Layout of the cluster directory (default ${GRANARY_CLUSTER_DIR:-/tmp/granary-cluster}):
#   auth-key             the key signing access tokens (generated once, kept by `down`)
#   dashboard-password   the operator's password (user operator) for /dashboard and /health/ready's
#                        details (generated once, kept by `down`)
#   cluster.env          settings of the running cluster (removed by `down`)
#   silo-K/              working directory of silo K: silo.log (+ silo.log.1), silo.pid, silo.env
#   nginx.conf, nginx/   nginx's configuration, pid, access/error logs, temp files
#   build.log, apt.log   output of the last dotnet build / nginx install
#
# Environment (read by `up` when no cluster is running in the directory; a running cluster
# keeps the values it was started with):
#   GRANARY_CLUSTER_DIR     cluster directory (default /tmp/granary-cluster; --dir overrides)
#   GRANARY_HTTP_BASE       HTTP port of silo-1; silo K listens on base+K-1 (default 8081)
#   GRANARY_SILO_BASE       silo-to-silo port of silo-1 (default 11111)
#   GRANARY_PROXY_PORT      nginx's port on 127.0.0.1 (default 8080)
#   GRANARY_CLUSTER_ID      Orleans cluster id (default local)
#   GRANARY_SERVICE_ID      Orleans service id (default granary): it keys grain state, reminders
#                           ({service}/reminders) and membership ({service}/members/{cluster})
#   GRANARY_CLUSTER_TIMEOUT seconds `up` waits for the silos to become ready (default 60)
#   GRANARY_STOP_TIMEOUT    seconds a stopping silo gets before SIGKILL (default 45: the
#                           silo's ShutdownTimeout of 30 s + 5 s host margin + slack)
#   GRANARY_SERVICES_DIR, GRANARY_REDIS_PORT, GRANARY_PG_PORT are passed to scripts/services.sh.
set -euo pipefail

readonly PROG="scripts/cluster.sh"
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly SILO_DLL="$ROOT/src/Silo/bin/Release/net10.0/Granary.Silo.dll"
readonly MAX_SILOS=100

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $PROG up N [--no-build] | down | status   [--dir DIR]

  up N      start (or scale to) N silos behind nginx on 127.0.0.1:\${GRANARY_PROXY_PORT:-8080};
            silo K serves HTTP on \${GRANARY_HTTP_BASE:-8081}+K-1 and the silo protocol on
            \${GRANARY_SILO_BASE:-11111}+K-1; --no-build skips 'dotnet build'
  down      stop nginx and every silo (Redis and PostgreSQL keep running)
  status    show silos, nginx and the membership view; non-zero unless all are up

  --dir DIR  cluster directory (default \${GRANARY_CLUSTER_DIR:-/tmp/granary-cluster})
EOF
}

# ---------------------------------------------------------------- arguments
COMMAND=""
WANTED=""
BUILD=1
DIR="${GRANARY_CLUSTER_DIR:-/tmp/granary-cluster}"
while (($# > 0)); do
    case "$1" in
        up | down | status)
            [[ -z "$COMMAND" ]] || die "only one command allowed (got '$COMMAND' and '$1')"
            COMMAND="$1"
            if [[ "$1" == up ]]; then
                (($# >= 2)) || die "up needs the number of silos, e.g. '$PROG up 3'"
                WANTED="$2"
                shift
            fi
            ;;
        --dir)
            (($# >= 2)) || die "--dir needs a value"
            DIR="$2"
            shift
            ;;
        --dir=*) DIR="${1#--dir=}" ;;
        --no-build) BUILD=0 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage
            die "unknown argument '$1'"
            ;;
    esac
    shift
done
if [[ -z "$COMMAND" ]]; then
    usage
    exit 2
fi
[[ -n "$DIR" ]] || die "cluster directory must not be empty"
DIR="$(realpath -m -- "$DIR")"
readonly DIR
readonly AUTH_KEY_FILE="$DIR/auth-key"
readonly DASHBOARD_PASSWORD_FILE="$DIR/dashboard-password"
readonly STATE_FILE="$DIR/cluster.env"
readonly NGINX_CONF="$DIR/nginx.conf"
readonly NGINX_DIR="$DIR/nginx"
readonly NGINX_PIDFILE="$NGINX_DIR/nginx.pid"
readonly NGINX_ERROR_LOG="$NGINX_DIR/error.log"
readonly BUILD_LOG="$DIR/build.log"

# A decimal number without leading zeros (bash arithmetic would read 010 as octal).
is_uint() { [[ "$1" =~ ^(0|[1-9][0-9]{0,8})$ ]]; }

if [[ "$COMMAND" == up ]]; then
    if ! is_uint "$WANTED" || ((WANTED < 1 || WANTED > MAX_SILOS)); then
        die "the number of silos must be 1..$MAX_SILOS (got '$WANTED')"
    fi
fi
READY_TIMEOUT="${GRANARY_CLUSTER_TIMEOUT:-60}"
STOP_TIMEOUT="${GRANARY_STOP_TIMEOUT:-45}"
is_uint "$READY_TIMEOUT" || die "GRANARY_CLUSTER_TIMEOUT='$READY_TIMEOUT' is not a number of seconds"
is_uint "$STOP_TIMEOUT" || die "GRANARY_STOP_TIMEOUT='$STOP_TIMEOUT' is not a number of seconds"

# ---------------------------------------------------------------- settings
# Settings of the cluster; `up` saves them in cluster.env so that later commands (and a
# scale-up from another shell without the same environment) use the same ports.
HTTP_BASE="" SILO_BASE="" PROXY_PORT="" CLUSTER_ID="" SERVICE_ID="" REDIS="" POSTGRES="" SILOS=""

# Reads KEY=VALUE lines of cluster.env without executing them.
load_state() {
    [[ -f "$STATE_FILE" ]] || return 1
    local key value
    while IFS='=' read -r key value; do
        case "$key" in
            HTTP_BASE) HTTP_BASE="$value" ;;
            SILO_BASE) SILO_BASE="$value" ;;
            PROXY_PORT) PROXY_PORT="$value" ;;
            CLUSTER_ID) CLUSTER_ID="$value" ;;
            SERVICE_ID) SERVICE_ID="$value" ;;
            REDIS) REDIS="$value" ;;
            POSTGRES) POSTGRES="$value" ;;
            SILOS) SILOS="$value" ;;
        esac
    done <"$STATE_FILE"
    # A cluster.env written before the service id was saved ran on the default one.
    [[ -n "$SERVICE_ID" ]] || SERVICE_ID=granary
}

save_state() {
    local tmp="$STATE_FILE.tmp"
    cat >"$tmp" <<EOF
HTTP_BASE=$HTTP_BASE
SILO_BASE=$SILO_BASE
PROXY_PORT=$PROXY_PORT
CLUSTER_ID=$CLUSTER_ID
SERVICE_ID=$SERVICE_ID
REDIS=$REDIS
POSTGRES=$POSTGRES
SILOS=$SILOS
EOF
    mv -f -- "$tmp" "$STATE_FILE"
}

settings_from_environment() {
    HTTP_BASE="${GRANARY_HTTP_BASE:-8081}"
    SILO_BASE="${GRANARY_SILO_BASE:-11111}"
    PROXY_PORT="${GRANARY_PROXY_PORT:-8080}"
    CLUSTER_ID="${GRANARY_CLUSTER_ID:-local}"
    SERVICE_ID="${GRANARY_SERVICE_ID:-granary}"
}

# A running cluster keeps its settings: an environment variable asking for another value is an error.
check_environment_matches() {
    local var key saved
    for var in GRANARY_HTTP_BASE:HTTP_BASE GRANARY_SILO_BASE:SILO_BASE GRANARY_PROXY_PORT:PROXY_PORT GRANARY_CLUSTER_ID:CLUSTER_ID GRANARY_SERVICE_ID:SERVICE_ID; do
        key="${var#*:}"
        var="${var%%:*}"
        saved="${!key}"
        if [[ -n "${!var:-}" && "${!var}" != "$saved" ]]; then
            die "the cluster in $DIR runs with $var=$saved, not ${!var}; run '$PROG down${DIR_ARG}' first to change it"
        fi
    done
}

validate_settings() {
    local name value
    for name in HTTP_BASE SILO_BASE PROXY_PORT; do
        value="${!name}"
        if ! is_uint "$value" || ((value < 1 || value > 65535)); then
            die "GRANARY_$name='$value' is not a valid port"
        fi
    done
    [[ "$CLUSTER_ID" =~ ^[A-Za-z0-9._-]+$ ]] || die "GRANARY_CLUSTER_ID='$CLUSTER_ID' may only hold letters, digits, '.', '_' and '-'"
    [[ "$SERVICE_ID" =~ ^[A-Za-z0-9._-]+$ ]] || die "GRANARY_SERVICE_ID='$SERVICE_ID' may only hold letters, digits, '.', '_' and '-'"
    local n="$1"
    ((HTTP_BASE + n - 1 <= 65535 && SILO_BASE + n - 1 <= 65535)) || die "$n silos don't fit below port 65535 from HTTP_BASE=$HTTP_BASE / SILO_BASE=$SILO_BASE"
    if ((PROXY_PORT >= HTTP_BASE && PROXY_PORT < HTTP_BASE + n)) || ((PROXY_PORT >= SILO_BASE && PROXY_PORT < SILO_BASE + n)); then
        die "proxy port $PROXY_PORT falls inside the silo ports (HTTP $HTTP_BASE.., silo $SILO_BASE..)"
    fi
    if ((HTTP_BASE < SILO_BASE + n && SILO_BASE < HTTP_BASE + n)); then
        die "HTTP ports $HTTP_BASE..$((HTTP_BASE + n - 1)) overlap silo ports $SILO_BASE..$((SILO_BASE + n - 1))"
    fi
}

DIR_ARG=""
if [[ "$DIR" != "$(realpath -m -- "${GRANARY_CLUSTER_DIR:-/tmp/granary-cluster}")" ]]; then
    DIR_ARG=" --dir $DIR"
fi

http_port() { echo $((HTTP_BASE + $1 - 1)); }
silo_port() { echo $((SILO_BASE + $1 - 1)); }
silo_dir() { echo "$DIR/silo-$1"; }

# ---------------------------------------------------------------- processes
# Prints the pid in $1 if that process is alive and its command line holds $2 (guards
# against a recycled pid).
live_pid() {
    local file="$1" expect="$2" pid
    [[ -f "$file" ]] || return 1
    pid="$(tr -dc '0-9' <"$file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$expect" || return 1
    printf '%s\n' "$pid"
}

silo_pid() { live_pid "$(silo_dir "$1")/silo.pid" "Granary.Silo.dll"; }

nginx_pid() { live_pid "$NGINX_PIDFILE" "nginx"; }

# Indexes of the silo directories, ascending.
silo_indexes() {
    local d
    for d in "$DIR"/silo-*; do
        [[ -d "$d" ]] || continue
        d="${d##*/silo-}"
        is_uint "$d" && echo "$d"
    done | sort -n
}

running_silos() {
    local k
    for k in $(silo_indexes); do
        silo_pid "$k" >/dev/null && echo "$k"
    done
    return 0
}

# True when something accepts TCP connections on 127.0.0.1:$1.
# shellcheck disable=SC2016 # $1 expands in the inner shell
port_in_use() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

show_log_tail() {
    local file="$1"
    if [[ -f "$file" ]]; then
        log "last lines of $file:"
        tail -n 25 -- "$file" | cut -c1-400 | sed 's/^/    /' >&2 || true
    fi
}

# A silo's failure: its error lines first (a stack trace can push them out of the tail), then the tail.
show_silo_log() {
    local file="$1" errors
    [[ -f "$file" ]] || return 0
    errors="$(grep -E '^Unhandled exception|^Granary silo stopped|"LogLevel":"(Error|Critical)"' -- "$file" | head -n 5 | cut -c1-600 || true)"
    if [[ -n "$errors" ]]; then
        log "errors in $file:"
        printf '    %s\n' "${errors//$'\n'/$'\n'    }" >&2
    fi
    show_log_tail "$file"
}

# Exclusive lock on the cluster directory so that two up/down runs don't interleave. Every
# process started from here gets fd 9 closed (9>&-) so that it doesn't keep holding the lock.
lock_dir() {
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$DIR/.lock"
        flock -w 120 9 || die "timed out waiting for the lock on $DIR/.lock (another $PROG running?)"
    fi
}

# ---------------------------------------------------------------- prerequisites
start_services() {
    local exports line
    log "starting Redis and PostgreSQL (scripts/services.sh start) ..."
    exports="$("$ROOT/scripts/services.sh" start 9>&-)" || die "scripts/services.sh start failed"
    while IFS= read -r line; do
        if [[ "$line" =~ ^export\ GRANARY_TEST_(POSTGRES|REDIS)= ]]; then
            eval "$line"
        fi
    done <<<"$exports"
    [[ -n "${GRANARY_TEST_REDIS:-}" && -n "${GRANARY_TEST_POSTGRES:-}" ]] ||
        die "scripts/services.sh start did not print the GRANARY_TEST_REDIS / GRANARY_TEST_POSTGRES exports"
    REDIS="$GRANARY_TEST_REDIS"
    # services.sh names the test database; the cluster uses database 'granary' on the same server.
    POSTGRES="${GRANARY_TEST_POSTGRES/Database=granary_test/Database=granary}"
    [[ "$POSTGRES" == *"Database=granary"* ]] || die "unexpected PostgreSQL connection string from services.sh: $GRANARY_TEST_POSTGRES"
    # Each silo keeps its own connection pool (Npgsql's default is 100): keep the sum of the pools under the
    # server's max_connections (200 for scripts/services.sh) however many silos run.
    POSTGRES="$POSTGRES;Maximum Pool Size=40"
}

install_nginx() {
    command -v nginx >/dev/null 2>&1 && return 0
    [[ "$(id -u)" == 0 ]] || die "nginx is not installed; install it as root: apt-get install nginx"
    command -v apt-get >/dev/null 2>&1 || die "nginx is not installed and apt-get is not available"
    log "installing the Debian package nginx (apt-get) ..."
    # The package's postinst would start the system nginx service (port 80); a policy-rc.d that
    # answers 101 forbids it. Only created when none exists, and removed afterwards.
    local policy="/usr/sbin/policy-rc.d" made_policy=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\n# Temporary, written by %s while installing nginx.\nexit 101\n' "$PROG" >"$policy"
        chmod 0755 "$policy"
        made_policy=1
    fi
    local rc=0
    {
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx
    } >"$DIR/apt.log" 2>&1 9>&- || rc=$?
    ((made_policy)) && rm -f -- "$policy"
    if ((rc != 0)); then
        show_log_tail "$DIR/apt.log"
        die "apt-get install nginx failed (output in $DIR/apt.log)"
    fi
    command -v nginx >/dev/null 2>&1 || die "nginx is still missing after installing"
}

build_silo() {
    command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH (the .NET 10 SDK is required)"
    log "building src/Silo in Release (dotnet build, log in $BUILD_LOG) ..."
    # No build servers: they would outlive this script.
    if ! (cd "$ROOT" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
        dotnet build src/Silo -c Release --disable-build-servers -nologo) >"$BUILD_LOG" 2>&1 9>&-; then
        grep -E ': (error|warning) ' "$BUILD_LOG" | sort -u | head -n 20 | sed 's/^/    /' >&2 || true
        show_log_tail "$BUILD_LOG"
        die "dotnet build src/Silo -c Release failed (full output in $BUILD_LOG)"
    fi
}

# The key signing access tokens: every silo must share it, or a token from one silo fails on the next.
ensure_auth_key() {
    if [[ -s "$AUTH_KEY_FILE" ]]; then
        AUTH_KEY="$(tr -d '[:space:]' <"$AUTH_KEY_FILE")"
        return 0
    fi
    AUTH_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    (umask 077 && printf '%s\n' "$AUTH_KEY" >"$AUTH_KEY_FILE")
    log "generated the token signing key in $AUTH_KEY_FILE"
}

# The operator credential (user operator): it opens /dashboard and the details of /health/ready.
ensure_dashboard_password() {
    [[ -s "$DASHBOARD_PASSWORD_FILE" ]] && return 0
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '\n/+=' >"$DASHBOARD_PASSWORD_FILE")
    log "generated the operator's password (user operator) in $DASHBOARD_PASSWORD_FILE"
}

# curl's -u argument for the operator.
operator_credential() { printf 'operator:%s' "$(tr -d '[:space:]' <"$DASHBOARD_PASSWORD_FILE" 2>/dev/null)"; }

# ---------------------------------------------------------------- silos
start_silo() {
    local k="$1" dir http sport pidfile
    dir="$(silo_dir "$k")"
    http="$(http_port "$k")"
    sport="$(silo_port "$k")"
    pidfile="$dir/silo.pid"
    port_in_use "$http" && die "silo-$k: port 127.0.0.1:$http is already in use by another program (set GRANARY_HTTP_BASE)"
    port_in_use "$sport" && die "silo-$k: silo port 127.0.0.1:$sport is already in use by another program (set GRANARY_SILO_BASE)"

    mkdir -p -- "$dir"
    [[ -f "$dir/silo.log" ]] && mv -f -- "$dir/silo.log" "$dir/silo.log.1"
    rm -f -- "$pidfile"
    printf 'SILO_NAME=silo-%s\nHTTP_PORT=%s\nSILO_PORT=%s\n' "$k" "$http" "$sport" >"$dir/silo.env"

    # The silo port listens on loopback only: Orleans's silo-to-silo traffic is plain TCP unless
    # Granary:Cluster:Tls:CertificatePath is set. No gateway port: nothing here is an Orleans client.
    local environment=(
        "Granary__SiloName=silo-$k"
        "Granary__ServiceId=$SERVICE_ID"
        "Granary__ClusterId=$CLUSTER_ID"
        "Granary__Cluster__Membership__Provider=Redis"
        "Granary__Cluster__Membership__Redis__Configuration=$REDIS"
        "Granary__Auth__SigningKey=$AUTH_KEY"
        "Granary__Dashboard__Username=operator"
        "Granary__Dashboard__Password=$(tr -d '[:space:]' <"$DASHBOARD_PASSWORD_FILE")"
        "Granary__Cluster__SiloPort=$sport"
        "Granary__Cluster__GatewayPort=0"
        "Granary__Cluster__ListenAddress=127.0.0.1"
        "Granary__Cluster__AdvertisedAddress=127.0.0.1"
        "Granary__Storage__Provider=Postgres"
        "Granary__Storage__Postgres__ConnectionString=$POSTGRES"
        "Granary__Reminders__Provider=Redis"
        "Granary__Reminders__Redis__Configuration=$REDIS"
        "DOTNET_CLI_TELEMETRY_OPTOUT=1"
    )
    log "silo-$k: starting (http 127.0.0.1:$http, silo port $sport, log $dir/silo.log) ..."
    # setsid -f: its own session, so a Ctrl-C or hang-up of this terminal doesn't reach it. The
    # launcher shell writes its pid and then execs dotnet, so the pid file names the silo.
    # --contentRoot: appsettings.json is read from the build output, not the silo's directory.
    # shellcheck disable=SC2016 # $$, $1 and $@ expand in the launcher shell
    (cd "$dir" && setsid -f bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' silo-launcher "$pidfile" \
        env "${environment[@]}" dotnet "$SILO_DLL" --urls "http://127.0.0.1:$http" --contentRoot "$(dirname -- "$SILO_DLL")" \
        </dev/null >>"$dir/silo.log" 2>&1 9>&-)
    local deadline=$((SECONDS + 10))
    until [[ -s "$pidfile" ]]; do
        ((SECONDS < deadline)) || die "silo-$k: no pid file after 10 s ($pidfile)"
        sleep 0.1
    done
}

# HTTP status code of a silo's /health/ready (000 when it doesn't answer).
ready_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 6 "http://127.0.0.1:$(http_port "$1")/health/ready" || true; }

# Waits until every silo in $@ answers /health/ready with 200. A silo that exits or runs out of
# time is stopped; its log tail is shown. Fails if any silo didn't become ready.
wait_ready() {
    local pending=("$@") failed=() start=$SECONDS still k pid
    local deadline=$((SECONDS + READY_TIMEOUT))
    while ((${#pending[@]} > 0)); do
        still=()
        for k in "${pending[@]}"; do
            pid="$(tr -dc '0-9' <"$(silo_dir "$k")/silo.pid")"
            if ! kill -0 "$pid" 2>/dev/null; then
                warn "silo-$k (pid $pid) exited during start-up"
                show_silo_log "$(silo_dir "$k")/silo.log"
                failed+=("$k")
            elif [[ "$(ready_code "$k")" == 200 ]]; then
                log "silo-$k: ready after $((SECONDS - start)) s (pid $pid)"
            else
                still+=("$k")
            fi
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]} > 0)) || break
        if ((SECONDS >= deadline)); then
            for k in "${pending[@]}"; do
                warn "silo-$k did not answer /health/ready with 200 within ${READY_TIMEOUT}s (last answer: $(ready_code "$k")); stopping it"
                show_silo_log "$(silo_dir "$k")/silo.log"
                failed+=("$k")
            done
            stop_silos "${pending[@]}"
            break
        fi
        sleep 1
    done
    if ((${#failed[@]} > 0)); then
        die "silo(s) ${failed[*]/#/silo-} failed to start; logs in $DIR/silo-K/silo.log (nginx left unchanged)"
    fi
}

# SIGTERM to every silo in $@ at once, then waits for all (bounded); SIGKILL for stragglers.
stop_silos() {
    local k pid
    local -A pids=()
    for k in "$@"; do
        pid="$(silo_pid "$k" || tr -dc '0-9' 2>/dev/null <"$(silo_dir "$k")/silo.pid" || true)"
        if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
            continue
        fi
        log "silo-$k: stopping (SIGTERM to pid $pid) ..."
        kill -TERM "$pid" 2>/dev/null || true
        pids[$k]="$pid"
    done
    local deadline=$((SECONDS + STOP_TIMEOUT)) start=$SECONDS killed=0 how
    while ((${#pids[@]} > 0)); do
        for k in "${!pids[@]}"; do
            kill -0 "${pids[$k]}" 2>/dev/null && continue
            unset "pids[$k]"
            rm -f -- "$(silo_dir "$k")/silo.pid"
            how="its log shows no 'Orleans Silo stopped'"
            grep -q 'Orleans Silo stopped' -- "$(silo_dir "$k")/silo.log" 2>/dev/null && how="left the cluster"
            ((killed)) && how="killed"
            log "silo-$k: stopped after $((SECONDS - start)) s ($how)"
        done
        ((${#pids[@]} > 0)) || break
        if ((SECONDS >= deadline && !killed)); then
            for k in "${!pids[@]}"; do
                warn "silo-$k (pid ${pids[$k]}) still running after ${STOP_TIMEOUT}s; sending SIGKILL (it did not leave the cluster: the others will declare it dead)"
                kill -KILL "${pids[$k]}" 2>/dev/null || true
            done
            killed=1
            deadline=$((SECONDS + 10))
        elif ((SECONDS >= deadline)); then
            die "silo(s) ${!pids[*]} (pids ${pids[*]}) survived SIGKILL"
        fi
        sleep 0.25
    done
}

# ---------------------------------------------------------------- nginx
write_nginx_conf() {
    local target="$1" k
    shift
    mkdir -p -- "$NGINX_DIR/tmp"
    {
        cat <<EOF
# Written by $PROG; rewritten at every 'up'. Not the system nginx: run with
#   nginx -c $NGINX_CONF -p $DIR/
worker_processes 1;
pid $NGINX_PIDFILE;
error_log $NGINX_ERROR_LOG warn;

events {
    worker_connections 1024;
}

http {
    access_log $NGINX_DIR/access.log;
    client_body_temp_path $NGINX_DIR/tmp/client_body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    default_type application/octet-stream;

    # Round robin over the silos. A silo that fails max_fails times (connection error, timeout,
    # or 503 as /health/ready answers while it is not Active) gets no requests for fail_timeout.
    upstream granary_silos {
EOF
        for k in "$@"; do
            printf '        server 127.0.0.1:%s max_fails=2 fail_timeout=10s; # silo-%s\n' "$(http_port "$k")" "$k"
        done
        cat <<EOF
        keepalive 16;
    }

    server {
        listen 127.0.0.1:$PROXY_PORT;

        location / {
            proxy_pass http://granary_silos;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # Try the next silo on these (non-idempotent requests such as POST are not retried
            # once sent, nginx's default).
            proxy_next_upstream error timeout http_503;
            proxy_next_upstream_timeout 10s;
        }
    }
}
EOF
    } >"$target"
}

nginx_cmd() { nginx -e "$NGINX_ERROR_LOG" -p "$DIR/" "$@"; }

# Writes nginx.conf for the silos in $@, checks it, then starts nginx or reloads it.
configure_nginx() {
    local new="$NGINX_CONF.new" pid
    write_nginx_conf "$new" "$@"
    if ! nginx_cmd -t -q -c "$new" 9>&- 2>"$NGINX_DIR/test.log"; then
        sed 's/^/    /' "$NGINX_DIR/test.log" >&2
        die "nginx rejected the generated configuration ($new)"
    fi
    if pid="$(nginx_pid)" && cmp -s -- "$new" "$NGINX_CONF"; then
        rm -f -- "$new"
        log "nginx: running (pid $pid), upstream unchanged"
        return 0
    fi
    mv -f -- "$new" "$NGINX_CONF"
    if pid="$(nginx_pid)"; then
        log "nginx: reloading (pid $pid) with upstream ${*/#/silo-} ..."
        nginx_cmd -c "$NGINX_CONF" -s reload 9>&- || die "nginx -s reload failed (see $NGINX_ERROR_LOG)"
        return 0
    fi
    rm -f -- "$NGINX_PIDFILE"
    port_in_use "$PROXY_PORT" && die "port 127.0.0.1:$PROXY_PORT is already in use by another program; choose another with GRANARY_PROXY_PORT (after '$PROG down${DIR_ARG}')"
    log "nginx: starting on 127.0.0.1:$PROXY_PORT with upstream ${*/#/silo-} ..."
    if ! nginx_cmd -c "$NGINX_CONF" 9>&-; then
        show_log_tail "$NGINX_ERROR_LOG"
        die "nginx failed to start"
    fi
    local deadline=$((SECONDS + 10))
    until nginx_pid >/dev/null && port_in_use "$PROXY_PORT"; do
        if ((SECONDS >= deadline)); then
            show_log_tail "$NGINX_ERROR_LOG"
            die "nginx did not come up on 127.0.0.1:$PROXY_PORT within 10 s"
        fi
        sleep 0.2
    done
}

stop_nginx() {
    local pid
    if ! pid="$(nginx_pid)"; then
        rm -f -- "$NGINX_PIDFILE"
        return 0
    fi
    log "nginx: stopping (pid $pid) ..."
    kill -QUIT "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            warn "nginx (pid $pid) did not quit within 15 s; sending SIGTERM"
            kill -TERM "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.2
    done
    rm -f -- "$NGINX_PIDFILE"
    log "nginx: stopped"
}

# ---------------------------------------------------------------- commands
cmd_up() {
    mkdir -p -- "$DIR"
    lock_dir
    local running was_running=0
    running="$(running_silos)"
    if load_state && { [[ -n "$running" ]] || nginx_pid >/dev/null; }; then
        check_environment_matches
        was_running=1
    else
        [[ -z "$running" ]] || die "silos run in $DIR but $STATE_FILE is missing; stop them with '$PROG down${DIR_ARG}'"
        settings_from_environment
    fi
    validate_settings "$WANTED"

    if ! nginx_pid >/dev/null && port_in_use "$PROXY_PORT"; then
        die "port 127.0.0.1:$PROXY_PORT (nginx) is already in use by another program; choose another with GRANARY_PROXY_PORT"
    fi

    local saved_redis="$REDIS" saved_postgres="$POSTGRES"
    start_services
    if ((was_running)) && [[ "$REDIS" != "$saved_redis" || "$POSTGRES" != "$saved_postgres" ]]; then
        die "the running cluster uses other Redis/PostgreSQL endpoints (Redis $saved_redis) than scripts/services.sh gives now (Redis $REDIS); run '$PROG down${DIR_ARG}' first"
    fi
    ensure_auth_key
    ensure_dashboard_password

    local k to_start=() extra=() keep=()
    for ((k = 1; k <= WANTED; k++)); do
        keep+=("$k")
        silo_pid "$k" >/dev/null || to_start+=("$k")
    done
    for k in $running; do
        ((k > WANTED)) && extra+=("$k")
    done

    install_nginx
    if ((${#to_start[@]} > 0)); then
        if ((BUILD)); then
            build_silo
        else
            log "--no-build: using the existing $SILO_DLL"
        fi
        [[ -f "$SILO_DLL" ]] || die "$SILO_DLL does not exist (build failed, or --no-build without a build)"
        SILOS="$WANTED"
        save_state
        for k in "${to_start[@]}"; do
            start_silo "$k"
        done
        wait_ready "${to_start[@]}"
    else
        log "silo-1..silo-$WANTED already running"
    fi

    SILOS="$WANTED"
    save_state
    # nginx first stops sending requests to the extra silos, then they leave.
    configure_nginx "${keep[@]}"
    if ((${#extra[@]} > 0)); then
        stop_silos "${extra[@]}"
    fi

    log "cluster '$CLUSTER_ID' up: $WANTED silo(s) behind http://127.0.0.1:$PROXY_PORT (logs: $DIR/silo-K/silo.log, $NGINX_DIR/)"
    echo "http://127.0.0.1:$PROXY_PORT"
}

cmd_down() {
    if [[ ! -d "$DIR" ]]; then
        log "nothing to stop: $DIR does not exist"
        return 0
    fi
    lock_dir
    local running
    running="$(running_silos)"
    if [[ -z "$running" ]] && ! nginx_pid >/dev/null; then
        log "nothing running in $DIR"
    else
        stop_nginx
        # shellcheck disable=SC2086 # one index per word
        stop_silos $running
        log "cluster stopped"
    fi
    rm -f -- "$STATE_FILE"
    log "Redis and PostgreSQL are still running; stop them with: scripts/services.sh stop"
}

# One line for silo $1: pid, ports, the /health/ready status line and body status.
silo_status_line() {
    local k="$1" pid http sport headers status_line body_status
    http="$(http_port "$k")"
    sport="$(silo_port "$k")"
    if [[ -f "$(silo_dir "$k")/silo.env" ]]; then
        http="$(sed -n 's/^HTTP_PORT=//p' "$(silo_dir "$k")/silo.env")"
        sport="$(sed -n 's/^SILO_PORT=//p' "$(silo_dir "$k")/silo.env")"
    fi
    if ! pid="$(silo_pid "$k")"; then
        printf '%-8s %-12s http 127.0.0.1:%-6s silo port %-6s -\n' "silo-$k" "stopped" "$http" "$sport"
        return 1
    fi
    headers="$(curl -s -i --max-time 6 "http://127.0.0.1:$http/health/ready" || true)"
    status_line="$(head -n 1 <<<"$headers" | tr -d '\r')"
    body_status="$(grep -o '"status":"[^"]*"' <<<"$headers" | head -n 1 | cut -d'"' -f4 || true)"
    printf '%-8s pid %-8s http 127.0.0.1:%-6s silo port %-6s /health/ready: %s%s\n' "silo-$k" "$pid" "$http" "$sport" \
        "${status_line:-no answer}" "${body_status:+ ($body_status)}"
    [[ "$status_line" == *" 200"* ]]
}

# The "silo" entry of one live silo's /health/ready (its view of the cluster), and the rows of
# Orleans's membership hash in Redis.
membership_status() {
    local k body detail source=""
    for k in $(running_silos); do
        body="$(curl -s --max-time 6 -u "$(operator_credential)" "http://127.0.0.1:$(http_port "$k")/health/ready" || true)"
        if [[ "$body" == *'"component":"silo"'* ]]; then
            source="silo-$k"
            break
        fi
    done
    if [[ -z "$source" ]]; then
        echo "membership: no running silo answered /health/ready"
        return 0
    fi
    detail="$(grep -o '"component":"silo"[^}]*' <<<"$body" | sed -n 's/.*"detail":"\([^"]*\)".*/\1/p')"
    echo "membership (from $source /health/ready): ${detail:-?}"

    # The table itself (Orleans.Clustering.Redis): a hash with a "Version" field and one JSON
    # MembershipEntry per silo incarnation; Dead rows stay for Granary:Cluster:DefunctRowExpiry.
    command -v redis-cli >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 || return 0
    local host="${REDIS%%,*}" port key rows
    port="${host##*:}"
    host="${host%:*}"
    key="$SERVICE_ID/members/$CLUSTER_ID"
    rows="$(timeout 3 redis-cli -h "$host" -p "$port" --raw hgetall "$key" 2>/dev/null |
        awk 'NR % 2 == 0 && substr($0, 1, 1) == "{"' |
        jq -r '[.SiloName, .SiloAddress.SiloAddress,
                (["None", "Created", "Joining", "Active", "ShuttingDown", "Stopping", "Dead"][.Status] // (.Status | tostring))] | @tsv' \
            2>/dev/null | sort || true)"
    [[ -n "$rows" ]] || return 0
    echo "membership table (Redis key $key):"
    awk -F'\t' '$3 != "Dead" { printf "  %-8s %-36s %s\n", $1, $2, $3 }' <<<"$rows"
    local dead
    dead="$(awk -F'\t' '$3 == "Dead"' <<<"$rows" | wc -l)"
    ((dead == 0)) || echo "  (+ $dead Dead row(s) of stopped silos, removed after Granary:Cluster:DefunctRowExpiry)"
}

# host:port/database of the PostgreSQL connection string (no password).
pg_display() {
    local part host="?" port="5432" db="?"
    local IFS=';'
    for part in $POSTGRES; do
        case "${part,,}" in
            host=*) host="${part#*=}" ;;
            port=*) port="${part#*=}" ;;
            database=*) db="${part#*=}" ;;
        esac
    done
    echo "$host:$port/$db"
}

cmd_status() {
    if [[ ! -d "$DIR" ]]; then
        echo "no cluster: $DIR does not exist"
        return 1
    fi
    local running rc=0 k pid
    running="$(running_silos)"
    if ! load_state; then
        settings_from_environment
        if [[ -z "$running" ]] && ! nginx_pid >/dev/null; then
            echo "no cluster running in $DIR"
            return 1
        fi
    fi
    echo "cluster '$CLUSTER_ID' (service '$SERVICE_ID') in $DIR: ${SILOS:-?} silo(s) wanted; Redis ${REDIS:-?}, PostgreSQL $(pg_display)"
    local shown=" "
    for k in $(silo_indexes); do
        if ((k <= ${SILOS:-0})) || silo_pid "$k" >/dev/null; then
            silo_status_line "$k" || rc=1
            shown+="$k "
        fi
    done
    for ((k = 1; k <= ${SILOS:-0}; k++)); do
        if [[ "$shown" != *" $k "* ]]; then
            printf '%-8s %s\n' "silo-$k" "missing (never started)"
            rc=1
        fi
    done
    if pid="$(nginx_pid)"; then
        local upstream code
        upstream="$(grep -o 'server 127.0.0.1:[0-9]*' "$NGINX_CONF" | sed 's/.*://' | tr '\n' ' ')"
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 6 "http://127.0.0.1:$PROXY_PORT/health/ready" || true)"
        printf '%-8s pid %-8s proxy 127.0.0.1:%s -> %s(GET /health/ready through it: %s)\n' nginx "$pid" "$PROXY_PORT" "$upstream" "$code"
    else
        printf '%-8s %s\n' nginx "not running"
        rc=1
    fi
    membership_status
    return "$rc"
}

case "$COMMAND" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
esac
