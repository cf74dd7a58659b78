#!/usr/bin/env bash
# Local Redis and PostgreSQL for Granary development and tests.
#
#   scripts/services.sh start|stop|status [--dir DIR]
#
# Both servers listen on 127.0.0.1 only, keep all their files under one directory
# (default ${GRANARY_SERVICES_DIR:-/tmp/granary-services}) and never touch the system
# services that the Debian packages install (no systemctl/service/pg_ctlcluster).
#
# `start` prints two lines on stdout that a caller can evaluate:
#   eval "$(scripts/services.sh start | grep '^export ')"
# Everything else (progress, errors) goes to stderr.
#
# Environment:
#   GRANARY_SERVICES_DIR      data directory (default /tmp/granary-services; --dir overrides)
#   GRANARY_REDIS_PORT        Redis port (default 56379)
#   GRANARY_PG_PORT           PostgreSQL port (default 55432)
#   GRANARY_PG_FAST=1         fsync/synchronous_commit/full_page_writes off (tests only;
#                             takes effect at the next PostgreSQL (re)start)
#   GRANARY_SERVICES_TIMEOUT  seconds to wait for each server to answer (default 30)
set -euo pipefail

readonly PROG="scripts/services.sh"
REDIS_PORT="${GRANARY_REDIS_PORT:-56379}"
PG_PORT="${GRANARY_PG_PORT:-55432}"
TIMEOUT="${GRANARY_SERVICES_TIMEOUT:-30}"
readonly PG_ROLE="granary" PG_PASSWORD="granary"
readonly PG_DATABASES=("granary" "granary_test")
readonly PG_TEST_DATABASE="granary_test"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $PROG start|stop|status [--dir DIR]

  start   install redis-server/postgresql if missing, start both on 127.0.0.1
          (idempotent) and print 'export GRANARY_TEST_POSTGRES=...' and
          'export GRANARY_TEST_REDIS=...' on stdout
  stop    stop both servers (data is kept)
  status  report both servers; exit non-zero if either is down

  --dir DIR  data directory (default \${GRANARY_SERVICES_DIR:-/tmp/granary-services})
EOF
}

# ---------------------------------------------------------------- arguments
COMMAND=""
DIR="${GRANARY_SERVICES_DIR:-/tmp/granary-services}"
while (($# > 0)); do
    case "$1" in
        start | stop | status)
            [[ -z "$COMMAND" ]] || die "only one command allowed (got '$COMMAND' and '$1')"
            COMMAND="$1"
            ;;
        --dir)
            (($# >= 2)) || die "--dir needs a value"
            DIR="$2"
            shift
            ;;
        --dir=*) DIR="${1#--dir=}" ;;
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
[[ -n "$DIR" ]] || die "data directory must not be empty"
for port_var in REDIS_PORT PG_PORT; do
    port="${!port_var}"
    if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
        die "$port_var='$port' is not a valid port"
    fi
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "GRANARY_SERVICES_TIMEOUT='$TIMEOUT' is not a number of seconds"

DIR="$(realpath -m -- "$DIR")"
readonly DIR
readonly REDIS_DIR="$DIR/redis"
readonly REDIS_CONF="$REDIS_DIR/redis.conf"
readonly REDIS_PIDFILE="$REDIS_DIR/redis.pid"
readonly REDIS_LOG="$REDIS_DIR/redis.log"
readonly PG_ROOT="$DIR/postgres"
readonly PGDATA="$PG_ROOT/data"
readonly PG_SOCKET_DIR="$PG_ROOT/socket"
readonly PG_LOG="$PG_ROOT/postgres.log"

# A unix socket path is limited to ~107 bytes; PostgreSQL's is <socket dir>/.s.PGSQL.<port>.
if ((${#PG_SOCKET_DIR} + 20 > 107)); then
    die "data directory path is too long for a unix socket: $DIR (use a shorter --dir)"
fi

IS_ROOT=0
[[ "$(id -u)" == 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------- helpers
pg_bindir() {
    # Highest installed PostgreSQL major version.
    local initdb
    initdb="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$initdb" ]] && dirname -- "$initdb"
}

install_packages() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    [[ -n "$(pg_bindir || true)" ]] || missing+=(postgresql)
    ((${#missing[@]} > 0)) || return 0

    ((IS_ROOT)) || die "missing packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
    command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and apt-get is not available"
    log "installing Debian packages: ${missing[*]} (apt-get, this takes a minute) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
    command -v redis-server >/dev/null 2>&1 || die "redis-server is still missing after installing"
    [[ -n "$(pg_bindir || true)" ]] || die "PostgreSQL initdb is still missing after installing (looked in /usr/lib/postgresql/*/bin)"
}

# Runs a command as the PostgreSQL OS user, from a directory that user can read
# (pg_ctl and initdb fail when the current directory is e.g. /root).
as_pg() {
    if ((IS_ROOT)); then
        (cd "$PG_ROOT" && runuser -u postgres -- "$@")
    else
        (cd "$PG_ROOT" && "$@")
    fi
}

# Bounded: redis-cli waits forever when something that is not Redis holds the port.
redis_cli() { timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_up() { [[ "$(redis_cli ping 2>/dev/null || true)" == "PONG" ]]; }

redis_pid() {
    local pid
    [[ -f "$REDIS_PIDFILE" ]] || return 1
    pid="$(tr -dc '0-9' <"$REDIS_PIDFILE")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

pg_up() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

pg_running() { [[ -f "$PGDATA/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

show_log_tail() {
    local file="$1"
    if [[ -f "$file" ]]; then
        log "last lines of $file:"
        tail -n 20 -- "$file" | sed 's/^/    /' >&2 || true
    fi
}

# Takes an exclusive lock on the data directory so that two concurrent starts
# (e.g. two test runs) don't both initialise or start the servers. The servers are
# started with fd 9 closed so that they don't hold the lock after this script exits.
lock_dir() {
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$DIR/.lock"
        flock -w 60 9 || die "timed out waiting for the lock on $DIR/.lock (another $PROG running?)"
    fi
}

# ---------------------------------------------------------------- redis
redis_start() {
    mkdir -p -- "$REDIS_DIR"
    if redis_up; then
        log "redis: already running on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    if [[ -f "$REDIS_PIDFILE" ]] && ! redis_pid >/dev/null; then
        rm -f -- "$REDIS_PIDFILE"
    fi

    cat >"$REDIS_CONF" <<EOF
# Written by $PROG; rewritten at every start. Development/test instance only.
bind 127.0.0.1
protected-mode yes
port $REDIS_PORT
daemonize yes
supervised no
pidfile $REDIS_PIDFILE
logfile $REDIS_LOG
dir $REDIS_DIR
save ""
appendonly yes
appendfsync everysec
databases 16
EOF
    log "redis: starting on 127.0.0.1:$REDIS_PORT (dir $REDIS_DIR) ..."
    # 9>&-: the daemon must not inherit (and keep holding) the lock on $DIR/.lock.
    if ! redis-server "$REDIS_CONF" >&2 9>&-; then
        show_log_tail "$REDIS_LOG"
        die "redis-server failed to start"
    fi
    local deadline=$((SECONDS + TIMEOUT))
    until redis_up; do
        if ((SECONDS >= deadline)); then
            show_log_tail "$REDIS_LOG"
            die "redis did not answer PING on 127.0.0.1:$REDIS_PORT within ${TIMEOUT}s (port taken by another program?)"
        fi
        sleep 1
    done
    log "redis: up (pid $(redis_pid || echo '?'))"
}

redis_stop() {
    if ! redis_up && ! redis_pid >/dev/null; then
        log "redis: not running"
        rm -f -- "$REDIS_PIDFILE"
        return 0
    fi
    local pid
    pid="$(redis_pid || true)"
    log "redis: stopping (127.0.0.1:$REDIS_PORT) ..."
    redis_cli shutdown nosave >/dev/null 2>&1 || true
    local deadline=$((SECONDS + TIMEOUT))
    while redis_up || { [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }; do
        if ((SECONDS >= deadline)); then
            die "redis did not stop within ${TIMEOUT}s"
        fi
        sleep 1
    done
    rm -f -- "$REDIS_PIDFILE"
    log "redis: stopped"
}

redis_status() {
    if redis_up; then
        echo "redis:      running on 127.0.0.1:$REDIS_PORT (pid $(redis_pid || echo "unknown: not started from $REDIS_DIR"))"
        return 0
    fi
    echo "redis:      DOWN (127.0.0.1:$REDIS_PORT does not answer PING)"
    return 1
}

# ---------------------------------------------------------------- postgres
pg_prepare_dirs() {
    mkdir -p -- "$PG_ROOT" "$PG_SOCKET_DIR"
    if ((IS_ROOT)); then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist (it comes with the Debian postgresql package)"
        chown postgres:postgres -- "$PG_ROOT" "$PG_SOCKET_DIR"
        # Every parent directory must be traversable by the postgres user.
        runuser -u postgres -- test -x "$PG_ROOT" ||
            die "user 'postgres' cannot access $PG_ROOT; choose a --dir outside private directories such as /root"
    fi
    chmod 0755 -- "$PG_ROOT" "$PG_SOCKET_DIR"
}

pg_write_config() {
    local fast_settings
    if [[ "${GRANARY_PG_FAST:-0}" == "1" ]]; then
        fast_settings="# GRANARY_PG_FAST=1: NOT crash-safe, for throw-away test data only.
fsync = off
synchronous_commit = off
full_page_writes = off"
    else
        fast_settings="# Durable defaults (set GRANARY_PG_FAST=1 for faster, non-durable test runs).
fsync = on
synchronous_commit = on
full_page_writes = on"
    fi
    as_pg tee "$PGDATA/granary.conf" >/dev/null <<EOF
# Written by $PROG; rewritten at every start. Development/test instance only.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 500
# Statement counts per request for bench/run.sh http (the extension is created only in the bench's own database).
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
$fast_settings
EOF
}

pg_init() {
    [[ -f "$PGDATA/PG_VERSION" ]] && return 0
    if [[ -e "$PGDATA" ]] && [[ -n "$(ls -A -- "$PGDATA" 2>/dev/null)" ]]; then
        die "$PGDATA exists but is not a PostgreSQL data directory; remove it or choose another --dir"
    fi
    log "postgres: initialising data directory $PGDATA ..."
    if ! as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_ROOT/initdb.log" 2>&1; then
        show_log_tail "$PG_ROOT/initdb.log"
        die "initdb failed"
    fi
    printf "\n# Added by %s: settings managed in granary.conf.\ninclude_if_exists = 'granary.conf'\n" "$PROG" |
        as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
}

# Runs SQL from stdin as the PostgreSQL superuser over the unix socket.
pg_psql_stdin() {
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres
}

pg_provision() {
    local db sql
    sql="DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_ROLE LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;"
    for db in "${PG_DATABASES[@]}"; do
        sql+="
SELECT 'CREATE DATABASE $db OWNER $PG_ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec"
    done
    printf '%s\n' "$sql" | pg_psql_stdin >/dev/null || die "could not create role '$PG_ROLE' / databases ${PG_DATABASES[*]}"
}

pg_start() {
    pg_prepare_dirs
    pg_init
    if pg_running; then
        log "postgres: already running (data $PGDATA)"
    else
        pg_write_config
        log "postgres: starting on 127.0.0.1:$PG_PORT (data $PGDATA$([[ "${GRANARY_PG_FAST:-0}" == 1 ]] && echo ', GRANARY_PG_FAST=1: fsync off')) ..."
        if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t "$TIMEOUT" start >/dev/null 9>&-; then
            show_log_tail "$PG_LOG"
            die "postgres failed to start (port $PG_PORT taken by another program?)"
        fi
    fi
    local deadline=$((SECONDS + TIMEOUT))
    until pg_up; do
        if ((SECONDS >= deadline)); then
            show_log_tail "$PG_LOG"
            die "postgres did not answer on 127.0.0.1:$PG_PORT within ${TIMEOUT}s"
        fi
        sleep 1
    done
    pg_provision
    log "postgres: up (role $PG_ROLE, databases ${PG_DATABASES[*]})"
}

pg_stop() {
    if ! pg_running; then
        log "postgres: not running"
        return 0
    fi
    log "postgres: stopping (fast) ..."
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t "$TIMEOUT" stop >/dev/null ||
        die "pg_ctl stop failed (see $PG_LOG)"
    log "postgres: stopped"
}

pg_status() {
    if pg_up; then
        echo "postgres:   running on 127.0.0.1:$PG_PORT (data $PGDATA)"
        return 0
    fi
    if pg_running; then
        echo "postgres:   DOWN (server process exists but 127.0.0.1:$PG_PORT does not accept connections)"
    else
        echo "postgres:   DOWN (not running on 127.0.0.1:$PG_PORT)"
    fi
    return 1
}

print_exports() {
    printf "export GRANARY_TEST_POSTGRES='Host=127.0.0.1;Port=%s;Username=%s;Password=%s;Database=%s'\n" \
        "$PG_PORT" "$PG_ROLE" "$PG_PASSWORD" "$PG_TEST_DATABASE"
    printf "export GRANARY_TEST_REDIS='127.0.0.1:%s'\n" "$REDIS_PORT"
}

# ---------------------------------------------------------------- main
case "$COMMAND" in
    start)
        install_packages
        PG_BIN="$(pg_bindir)"
        if [[ ! -d "$DIR" ]]; then
            mkdir -p -- "$DIR" || die "cannot create $DIR"
            chmod 0755 -- "$DIR"
        fi
        lock_dir
        redis_start
        pg_start
        log "services ready in $DIR"
        print_exports
        ;;
    stop)
        if [[ ! -d "$DIR" ]]; then
            log "nothing to stop: $DIR does not exist"
            exit 0
        fi
        lock_dir
        if command -v redis-cli >/dev/null 2>&1; then
            redis_stop
        else
            log "redis: redis-cli not installed, nothing to stop"
        fi
        PG_BIN="$(pg_bindir || true)"
        if [[ -n "$PG_BIN" && -d "$PG_ROOT" ]]; then
            pg_stop
        else
            log "postgres: not set up in $DIR, nothing to stop"
        fi
        ;;
    status)
        rc=0
        if command -v redis-cli >/dev/null 2>&1; then
            redis_status || rc=1
        else
            echo "redis:      DOWN (redis-cli not installed)"
            rc=1
        fi
        PG_BIN="$(pg_bindir || true)"
        if [[ -n "$PG_BIN" && -d "$PG_ROOT" ]]; then
            pg_status || rc=1
        elif [[ -n "$PG_BIN" ]]; then
            echo "postgres:   DOWN (not set up in $DIR)"
            rc=1
        else
            echo "postgres:   DOWN (PostgreSQL not installed)"
            rc=1
        fi
        exit "$rc"
        ;;
esac
