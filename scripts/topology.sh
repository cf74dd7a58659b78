#!/usr/bin/env bash
# Runs docker-compose.yml's production topology without Docker: one Linux network namespace per
# component (redis, postgres, silo-1..silo-3, proxy), each with its own address on a private bridge,
# the silos configured by the same Granary__* environment variables compose gives them. Root only.
#
#   scripts/topology.sh up [--no-build]
#   scripts/topology.sh down
#   scripts/topology.sh status
#   scripts/topology.sh stop COMPONENT      (redis | postgres | silo-1..silo-3 | proxy)
#   scripts/topology.sh kill silo-K         (SIGKILL, as `docker kill`)
#
# up       creates what is missing and starts what is not running, then waits until it answers:
#          the bridge (the host gets .1 on it, so it reaches every component), the namespaces
#          and their veths, Redis with AOF (its own data directory), a PostgreSQL cluster of its own
#          (initdb once; role and database granary as compose's postgres image creates them), the
#          three silos (src/Silo built in Release unless --no-build) and nginx. Idempotent: on a
#          running topology it changes nothing; after `stop` or a crash it starts what is missing.
# down     stops every process it started (and anything else left inside its namespaces), deletes
#          the namespaces, veths, bridge and /etc/netns/<namespace>/ and removes the directory.
#          Works after a partial `up`.
# status   each component's namespace, address, pid and answer; non-zero unless all are up.
# stop C   stops one component gracefully (a silo gets SIGTERM and leaves the cluster, Redis saves
#          its AOF, PostgreSQL shuts down fast); `up` starts it again.
# kill S   SIGKILL to silo S (no chance to leave the cluster); `up` starts it again.
#
# Silos run under scripts/restart-policy.sh, compose's `restart: unless-stopped`: a silo that exits on
# its own (a crash, or the stop it orders itself when Redis lost the membership table) is started again;
# `stop`, `kill` and `down` end its supervisor first, as compose doesn't restart what an operator stopped.
#
# Addresses (NET = ${GRANARY_TOPOLOGY_NET:-172.30.10}, compose's subnet, so the proxy keeps compose's
# fixed address): host NET.1, redis NET.2:6379, postgres NET.3:5432, proxy NET.10:8080 (the silos'
# only trusted proxy), silo-K NET.2K:8080 (HTTP) and :11111 (silo-to-silo). Each namespace's
# /etc/hosts (through /etc/netns/<namespace>/hosts, which `ip netns exec` mounts) names the
# components as compose's DNS does, so the silos get compose's own settings (redis:6379,
# Host=postgres). nginx runs deploy/nginx.conf with its upstream written out as the three silo
# addresses: its `resolve` needs a DNS server, which this topology doesn't have.
#
# Layout of the directory (${GRANARY_TOPOLOGY_DIR:-/tmp/granary-topology}):
#   auth-key                     the key signing access tokens (shared by the silos)
#   dashboard-password           the operator's password (user operator) for /dashboard and /health/ready details
#   redis/                       redis.conf, appendonly files, redis.pid, redis.log
#   postgres/                    data/, socket/, postgres.log, initdb.log
#   silo-K/                      silo.pid, supervisor.pid, silo.log (+ silo.log.1 of the previous `up`)
#   proxy/                       nginx.conf, granary.conf (from deploy/nginx.conf), nginx.pid, logs
#   build.log                    output of the last dotnet build
#
# Environment:
#   GRANARY_TOPOLOGY_DIR      the directory above
#   GRANARY_TOPOLOGY_NET      first three octets of the /24 (default 172.30.10); must not overlap
#                             any address or route of this machine
#   GRANARY_TOPOLOGY_TIMEOUT  seconds `up` waits for each component to answer (default 90)
#   GRANARY_STOP_TIMEOUT      seconds a stopping silo gets before SIGKILL (default 45)
set -euo pipefail

readonly PROG="scripts/topology.sh"
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly SILO_DLL="$ROOT/src/Silo/bin/Release/net10.0/Granary.Silo.dll"
readonly PG_BIN="/usr/lib/postgresql/15/bin"
readonly BRIDGE="granary-br0"
readonly SILOS=3
readonly COMPONENTS=(redis postgres silo-1 silo-2 silo-3 proxy)
# docker-compose.yml's settings of its services.
readonly SERVICE_ID="granary" CLUSTER_ID="compose"
readonly PG_ROLE="granary" PG_PASSWORD="granary" PG_DATABASE="granary"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $PROG up [--no-build] | down | status | stop COMPONENT | kill SILO

  up          create the bridge and namespaces and start what is not running
              (redis, postgres, silo-1..silo-$SILOS, proxy); --no-build skips 'dotnet build'
  down        stop everything, delete namespaces, veths, bridge and the directory
  status      show every component; non-zero unless all answer
  stop C      stop one component (${COMPONENTS[*]}); 'up' starts it again
  kill S      SIGKILL silo S (silo-1..silo-$SILOS); 'up' starts it again

  directory \${GRANARY_TOPOLOGY_DIR:-/tmp/granary-topology}, subnet \${GRANARY_TOPOLOGY_NET:-172.30.10}.0/24
EOF
}

# ---------------------------------------------------------------- arguments
COMMAND=""
TARGET=""
BUILD=1
while (($# > 0)); do
    case "$1" in
        up | down | status | stop | kill)
            [[ -z "$COMMAND" ]] || die "only one command allowed (got '$COMMAND' and '$1')"
            COMMAND="$1"
            if [[ "$1" == stop || "$1" == kill ]]; then
                (($# >= 2)) || die "$1 needs a component: ${COMPONENTS[*]}"
                TARGET="$2"
                shift
            fi
            ;;
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
if [[ -n "$TARGET" && " ${COMPONENTS[*]} " != *" $TARGET "* ]]; then
    die "unknown component '$TARGET'; one of: ${COMPONENTS[*]}"
fi
if [[ "$COMMAND" == kill && "$TARGET" != silo-* ]]; then
    die "kill takes a silo (silo-1..silo-$SILOS), not '$TARGET'"
fi

DIR="$(realpath -m -- "${GRANARY_TOPOLOGY_DIR:-/tmp/granary-topology}")"
readonly DIR
[[ "$DIR" != / ]] || die "GRANARY_TOPOLOGY_DIR must not be /"
NET="${GRANARY_TOPOLOGY_NET:-172.30.10}"
readonly NET
[[ "$NET" =~ ^(10|172|192)\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
    die "GRANARY_TOPOLOGY_NET='$NET' is not the first three octets of a private /24 (e.g. 172.30.10)"
TIMEOUT="${GRANARY_TOPOLOGY_TIMEOUT:-90}"
STOP_TIMEOUT="${GRANARY_STOP_TIMEOUT:-45}"
[[ "$TIMEOUT" =~ ^[1-9][0-9]{0,3}$ ]] || die "GRANARY_TOPOLOGY_TIMEOUT='$TIMEOUT' is not a number of seconds"
[[ "$STOP_TIMEOUT" =~ ^[1-9][0-9]{0,3}$ ]] || die "GRANARY_STOP_TIMEOUT='$STOP_TIMEOUT' is not a number of seconds"
[[ "$(id -u)" == 0 ]] || die "network namespaces need root; run $PROG as root"

readonly AUTH_KEY_FILE="$DIR/auth-key"
readonly DASHBOARD_PASSWORD_FILE="$DIR/dashboard-password"
readonly REDIS_DIR="$DIR/redis"
readonly PG_ROOT="$DIR/postgres"
readonly PGDATA="$PG_ROOT/data"
readonly PG_SOCKET_DIR="$PG_ROOT/socket"
readonly PROXY_DIR="$DIR/proxy"
readonly BUILD_LOG="$DIR/build.log"

# ---------------------------------------------------------------- names and addresses
namespace() { echo "granary-$1"; }
# The host side of a component's veth (15 characters at most).
host_veth() { echo "gr-$1"; }
host_address() { echo "$NET.1"; }
address() {
    case "$1" in
        redis) echo "$NET.2" ;;
        postgres) echo "$NET.3" ;;
        proxy) echo "$NET.10" ;;
        silo-*) echo "$NET.2${1#silo-}" ;;
    esac
}
silo_dir() { echo "$DIR/silo-$1"; }
in_ns() {
    local ns
    ns="$(namespace "$1")"
    shift
    ip netns exec "$ns" "$@"
}

# ---------------------------------------------------------------- helpers
show_log_tail() {
    local file="$1"
    if [[ -f "$file" ]]; then
        log "last lines of $file:"
        tail -n 25 -- "$file" | cut -c1-400 | sed 's/^/    /' >&2 || true
    fi
}

# Prints the pid in $1 if that process is alive and its command line holds $2.
live_pid() {
    local file="$1" expect="$2" pid
    [[ -f "$file" ]] || return 1
    pid="$(tr -dc '0-9' <"$file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$expect" >/dev/null || return 1
    printf '%s\n' "$pid"
}

silo_pid() { live_pid "$(silo_dir "$1")/silo.pid" "Granary.Silo.dll"; }
supervisor_pid() { live_pid "$(silo_dir "$1")/supervisor.pid" "restart-policy.sh"; }
redis_pid() { live_pid "$REDIS_DIR/redis.pid" "redis-server"; }
nginx_pid() { live_pid "$PROXY_DIR/nginx.pid" "nginx"; }
# The postmaster's pid: the first line of postmaster.pid.
pg_pid() {
    local pid
    [[ -f "$PGDATA/postmaster.pid" ]] || return 1
    pid="$(head -n 1 "$PGDATA/postmaster.pid" | tr -dc '0-9')"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F postgres >/dev/null || return 1
    printf '%s\n' "$pid"
}

# HTTP status of GET http://$1/health/ready from the host (000 when nothing answers).
ready_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$1/health/ready" || true; }
redis_up() { [[ "$(timeout 3 redis-cli -h "$(address redis)" -p 6379 ping 2>/dev/null || true)" == PONG ]]; }
pg_up() { "$PG_BIN/pg_isready" -q -h "$(address postgres)" -p 5432 -t 2 >/dev/null 2>&1; }

# Waits (bounded) until "$@" succeeds; $1 names what is awaited, $2 the log shown on failure.
wait_until() {
    local what="$1" logfile="$2" deadline=$((SECONDS + TIMEOUT))
    shift 2
    until "$@"; do
        if ((SECONDS >= deadline)); then
            show_log_tail "$logfile"
            die "$what did not answer within ${TIMEOUT}s"
        fi
        sleep 0.3
    done
}

lock_dir() {
    exec 9>"$DIR/.lock"
    flock -w 120 9 || die "timed out waiting for the lock on $DIR/.lock (another $PROG running?)"
}

# ---------------------------------------------------------------- network
# The subnet must be ours alone: no address or route of this machine (other than our bridge) in it.
check_subnet_free() {
    local clash
    clash="$( {
        ip -o -4 addr show | awk -v b="$BRIDGE" '$2 != b { print $2, $4 }'
        ip -4 route show | awk -v b="$BRIDGE" '$0 !~ ("dev " b " ") { print "route", $0 }'
    } | grep -F " $NET." || true)"
    [[ -z "$clash" ]] || die "subnet $NET.0/24 is already used on this machine ($clash); choose another with GRANARY_TOPOLOGY_NET"
}

ensure_bridge() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        check_subnet_free
        log "network: bridge $BRIDGE, host $(host_address)/24"
        ip link add "$BRIDGE" type bridge
    fi
    ip link set "$BRIDGE" up
    ip -4 addr show dev "$BRIDGE" | grep -F " $(host_address)/24" >/dev/null || ip addr add "$(host_address)/24" dev "$BRIDGE"
}

# /etc/hosts of every namespace: compose's service names.
write_hosts() {
    local c k ns
    for c in "${COMPONENTS[@]}"; do
        ns="$(namespace "$c")"
        mkdir -p -- "/etc/netns/$ns"
        {
            echo "# Written by $PROG: compose's service names in the $ns namespace."
            echo "127.0.0.1 localhost"
            echo "$(address "$c") $c"
            for k in "${COMPONENTS[@]}"; do
                [[ "$k" == "$c" ]] || echo "$(address "$k") $k"
            done
        } >"/etc/netns/$ns/hosts"
    done
}

ensure_namespace() {
    local c="$1" ns veth
    ns="$(namespace "$c")"
    veth="$(host_veth "$c")"
    [[ -e "/run/netns/$ns" ]] || ip netns add "$ns"
    if ! ip link show "$veth" >/dev/null 2>&1; then
        ip link add "$veth" type veth peer name eth0 netns "$ns"
    fi
    ip link set "$veth" master "$BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" -4 addr show dev eth0 | grep -F " $(address "$c")/24" >/dev/null || ip -n "$ns" addr add "$(address "$c")/24" dev eth0
}

# ---------------------------------------------------------------- redis
start_redis() {
    if redis_pid >/dev/null; then
        return 0
    fi
    mkdir -p -- "$REDIS_DIR"
    # compose: redis-server --appendonly yes --appendfsync everysec, data in a volume.
    cat >"$REDIS_DIR/redis.conf" <<EOF
# Written by $PROG.
bind $(address redis)
protected-mode no
port 6379
daemonize yes
pidfile $REDIS_DIR/redis.pid
logfile $REDIS_DIR/redis.log
dir $REDIS_DIR
appendonly yes
appendfsync everysec
EOF
    log "redis: starting on $(address redis):6379 (AOF in $REDIS_DIR) ..."
    in_ns redis redis-server "$REDIS_DIR/redis.conf" 9>&- || {
        show_log_tail "$REDIS_DIR/redis.log"
        die "redis-server failed to start"
    }
    wait_until "redis" "$REDIS_DIR/redis.log" redis_up
}

stop_redis() {
    local pid
    pid="$(redis_pid)" || return 0
    log "redis: stopping (SHUTDOWN, pid $pid) ..."
    timeout 10 redis-cli -h "$(address redis)" -p 6379 shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 redis
}

# ---------------------------------------------------------------- postgres
as_pg() { (cd "$PG_ROOT" && in_ns postgres runuser -u postgres -- "$@"); }

init_postgres() {
    [[ -f "$PGDATA/PG_VERSION" ]] && return 0
    PG_FRESH=1
    [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb missing); scripts/services.sh start installs it"
    mkdir -p -- "$PG_ROOT" "$PG_SOCKET_DIR"
    chown postgres:postgres -- "$PG_ROOT" "$PG_SOCKET_DIR"
    log "postgres: initialising $PGDATA ..."
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
        >"$PG_ROOT/initdb.log" 2>&1 || {
        show_log_tail "$PG_ROOT/initdb.log"
        die "initdb failed"
    }
    as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null <<EOF

# Added by $PROG (the rest are PostgreSQL's defaults, as in compose's postgres:15 image).
listen_addresses = '$(address postgres)'
port = 5432
unix_socket_directories = '$PG_SOCKET_DIR'
EOF
    printf 'host all all %s.0/24 scram-sha-256\n' "$NET" | as_pg tee -a "$PGDATA/pg_hba.conf" >/dev/null
}

PG_FRESH=0
start_postgres() {
    init_postgres
    if ! pg_pid >/dev/null; then
        log "postgres: starting on $(address postgres):5432 ..."
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_ROOT/postgres.log" -w -t "$TIMEOUT" start >/dev/null 9>&- || {
            show_log_tail "$PG_ROOT/postgres.log"
            die "postgres failed to start"
        }
    fi
    wait_until "postgres" "$PG_ROOT/postgres.log" pg_up
    ((PG_FRESH)) || return 0
    # As POSTGRES_USER/POSTGRES_DB do in compose's image: a superuser and its database.
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p 5432 -U postgres -d postgres >/dev/null <<EOF ||
SELECT 'CREATE ROLE $PG_ROLE LOGIN SUPERUSER PASSWORD ''$PG_PASSWORD''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') \gexec
SELECT 'CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE') \gexec
EOF
        die "could not create role and database '$PG_DATABASE'"
}

stop_postgres() {
    pg_pid >/dev/null || return 0
    log "postgres: stopping (fast) ..."
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null || die "pg_ctl stop failed (see $PG_ROOT/postgres.log)"
}

# ---------------------------------------------------------------- silos
build_silo() {
    if ((!BUILD)); then
        [[ -f "$SILO_DLL" ]] || die "--no-build, but $SILO_DLL does not exist"
        return 0
    fi
    command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH (the .NET 10 SDK is required)"
    log "building src/Silo in Release (log in $BUILD_LOG) ..."
    if ! (cd "$ROOT" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
        dotnet build src/Silo -c Release --disable-build-servers -nologo) >"$BUILD_LOG" 2>&1 9>&-; then
        show_log_tail "$BUILD_LOG"
        die "dotnet build src/Silo -c Release failed (full output in $BUILD_LOG)"
    fi
}

ensure_secrets() {
    [[ -s "$AUTH_KEY_FILE" ]] || (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$AUTH_KEY_FILE")
    [[ -s "$DASHBOARD_PASSWORD_FILE" ]] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '\n/+=' >"$DASHBOARD_PASSWORD_FILE")
}

start_silo() {
    local k="$1" dir pidfile
    dir="$(silo_dir "$k")"
    pidfile="$dir/silo.pid"
    mkdir -p -- "$dir"
    [[ -f "$dir/silo.log" ]] && mv -f -- "$dir/silo.log" "$dir/silo.log.1"
    rm -f -- "$pidfile" "$dir/supervisor.pid"
    # docker-compose.yml's environment of service "silo", the Dockerfile's ENV and the entrypoint's advertised
    # address. Not set: Granary__Email__* (no Mailpit here: email jobs are dead-lettered as "SMTP is not
    # configured"). The operator credential is compose's (user operator, as .env.example; the password a file of
    # this directory): it opens /dashboard and the details of /health/ready. The silo's name is compose's
    # container host name; here every namespace shares the host's, so it is set.
    local environment=(
        "Granary__SiloName=silo-$k"
        "Granary__ServiceId=$SERVICE_ID"
        "Granary__ClusterId=$CLUSTER_ID"
        "Granary__Cluster__Membership__Provider=Redis"
        "Granary__Cluster__Membership__Redis__Configuration=redis:6379"
        "Granary__Cluster__AdvertisedAddress=$(address "silo-$k")"
        "Granary__Storage__Provider=Postgres"
        "Granary__Storage__Postgres__ConnectionString=Host=postgres;Username=$PG_ROLE;Password=$PG_PASSWORD;Database=$PG_DATABASE"
        "Granary__Reminders__Provider=Redis"
        "Granary__Reminders__Redis__Configuration=redis:6379"
        "Granary__Auth__SigningKey=$(cat "$AUTH_KEY_FILE")"
        "Granary__Dashboard__Username=operator"
        "Granary__Dashboard__Password=$(cat "$DASHBOARD_PASSWORD_FILE")"
        "Granary__Http__TrustedProxies__0=$(address proxy)"
        "ASPNETCORE_URLS=http://0.0.0.0:8080"
        "Granary__Cluster__SiloPort=11111"
        "Granary__Cluster__GatewayPort=0"
        "Granary__Cluster__ListenAddress=0.0.0.0"
        "DOTNET_CLI_TELEMETRY_OPTOUT=1"
    )
    log "silo-$k: starting on $(address "silo-$k") (log $dir/silo.log) ..."
    # setsid -f: its own session; the launcher shell writes its pid, then execs the restart policy, which runs
    # dotnet and writes the silo's pid on every start.
    # shellcheck disable=SC2016 # $$, $1 and $@ expand in the launcher shell
    (cd "$dir" && in_ns "silo-$k" setsid -f bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' silo-launcher "$dir/supervisor.pid" \
        "$ROOT/scripts/restart-policy.sh" "$pidfile" \
        env "${environment[@]}" dotnet "$SILO_DLL" --contentRoot "$(dirname -- "$SILO_DLL")" \
        </dev/null >>"$dir/silo.log" 2>&1 9>&-)
    local deadline=$((SECONDS + 10))
    until [[ -s "$pidfile" ]]; do
        ((SECONDS < deadline)) || die "silo-$k: no pid file after 10 s ($pidfile)"
        sleep 0.1
    done
}

# Waits until every silo in $@ answers /health/ready with 200 (Active, storage and reminders up).
wait_silos_ready() {
    local pending=("$@") still k start=$SECONDS deadline=$((SECONDS + TIMEOUT))
    while ((${#pending[@]} > 0)); do
        still=()
        for k in "${pending[@]}"; do
            if ! silo_pid "$k" >/dev/null; then
                show_log_tail "$(silo_dir "$k")/silo.log"
                die "silo-$k exited during start-up (log $(silo_dir "$k")/silo.log)"
            elif [[ "$(ready_code "$(address "silo-$k"):8080")" == 200 ]]; then
                log "silo-$k: ready after $((SECONDS - start)) s (pid $(silo_pid "$k"))"
            else
                still+=("$k")
            fi
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]} > 0)) || break
        if ((SECONDS >= deadline)); then
            for k in "${pending[@]}"; do show_log_tail "$(silo_dir "$k")/silo.log"; done
            die "silo(s) ${pending[*]/#/silo-} did not answer /health/ready with 200 within ${TIMEOUT}s"
        fi
        sleep 0.5
    done
}

# Waits (bounded by $2 seconds) for pid $1 to exit; SIGKILL after that.
wait_gone() {
    local pid="$1" limit="$2" what="$3" deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            warn "$what (pid $pid) still running after ${limit}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            return 0
        fi
        sleep 0.2
    done
}

# Ends silo $1's restart policy, so what is stopped next stays stopped.
end_supervisor() {
    local pid
    pid="$(supervisor_pid "$1")" || return 0
    kill -KILL "$pid" 2>/dev/null || true
    rm -f -- "$(silo_dir "$1")/supervisor.pid"
}

# SIGTERM to every silo in $@ at once (each leaves the cluster), then waits for each; SIGKILL after STOP_TIMEOUT.
stop_silos() {
    local k pid start=$SECONDS
    local -A pids=()
    for k in "$@"; do
        end_supervisor "$k"
        pid="$(silo_pid "$k")" || continue
        pids[$k]="$pid"
        log "silo-$k: stopping (SIGTERM to pid ${pids[$k]}) ..."
        kill -TERM "${pids[$k]}" 2>/dev/null || true
    done
    for k in "${!pids[@]}"; do
        wait_gone "${pids[$k]}" $((STOP_TIMEOUT - (SECONDS - start) > 1 ? STOP_TIMEOUT - (SECONDS - start) : 1)) "silo-$k"
        rm -f -- "$(silo_dir "$k")/silo.pid"
        log "silo-$k: stopped after $((SECONDS - start)) s"
    done
}

# ---------------------------------------------------------------- proxy
# deploy/nginx.conf with the compose service name's upstream line replaced by the three silo addresses
# (same parameters), and without the resolver (no DNS server here).
write_proxy_conf() {
    local source="$ROOT/deploy/nginx.conf" servers="" k
    grep -E '^[[:space:]]*server silo:8080 resolve ' "$source" >/dev/null || die "$source has no 'server silo:8080 resolve ...' line to replace"
    for k in $(seq 1 "$SILOS"); do
        servers+="    server $(address "silo-$k"):8080 max_fails=2 fail_timeout=10s; # silo-$k\\n"
    done
    mkdir -p -- "$PROXY_DIR/tmp"
    sed -E -e '/^resolver /d' -e "s|^[[:space:]]*server silo:8080 resolve .*\$|${servers%\\n}|" "$source" >"$PROXY_DIR/granary.conf"
    cat >"$PROXY_DIR/nginx.conf" <<EOF
# Written by $PROG: nginx's main context around deploy/nginx.conf (granary.conf).
worker_processes 1;
pid $PROXY_DIR/nginx.pid;
error_log $PROXY_DIR/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log $PROXY_DIR/access.log;
    client_body_temp_path $PROXY_DIR/tmp/client_body;
    proxy_temp_path $PROXY_DIR/tmp/proxy;
    fastcgi_temp_path $PROXY_DIR/tmp/fastcgi;
    uwsgi_temp_path $PROXY_DIR/tmp/uwsgi;
    scgi_temp_path $PROXY_DIR/tmp/scgi;
    include $PROXY_DIR/granary.conf;
}
EOF
}

start_proxy() {
    nginx_pid >/dev/null && return 0
    command -v nginx >/dev/null 2>&1 || die "nginx is not installed (apt-get install nginx)"
    write_proxy_conf
    in_ns proxy nginx -e "$PROXY_DIR/error.log" -p "$PROXY_DIR/" -t -q -c "$PROXY_DIR/nginx.conf" 2>"$PROXY_DIR/test.log" || {
        sed 's/^/    /' "$PROXY_DIR/test.log" >&2
        die "nginx rejected $PROXY_DIR/nginx.conf"
    }
    log "proxy: starting nginx on $(address proxy):8080 ..."
    in_ns proxy nginx -e "$PROXY_DIR/error.log" -p "$PROXY_DIR/" -c "$PROXY_DIR/nginx.conf" 9>&- || {
        show_log_tail "$PROXY_DIR/error.log"
        die "nginx failed to start"
    }
    proxy_ready() { [[ "$(ready_code "$(address proxy):8080")" == 200 ]]; }
    wait_until "nginx (GET /health/ready through it)" "$PROXY_DIR/error.log" proxy_ready
}

stop_proxy() {
    local pid
    pid="$(nginx_pid)" || return 0
    log "proxy: stopping nginx (pid $pid) ..."
    kill -QUIT "$pid" 2>/dev/null || true
    wait_gone "$pid" 15 nginx
}

# ---------------------------------------------------------------- commands
cmd_up() {
    mkdir -p -- "$DIR"
    chmod 0755 -- "$DIR"
    lock_dir
    command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed; scripts/services.sh start installs it"
    local c k to_start=()
    ensure_bridge
    write_hosts
    for c in "${COMPONENTS[@]}"; do ensure_namespace "$c"; done
    start_redis
    start_postgres
    ensure_secrets
    # A silo between two runs of its restart policy is not started twice.
    for k in $(seq 1 "$SILOS"); do silo_pid "$k" >/dev/null || supervisor_pid "$k" >/dev/null || to_start+=("$k"); done
    if ((${#to_start[@]} > 0)); then
        build_silo
        for k in "${to_start[@]}"; do start_silo "$k"; done
        wait_silos_ready "${to_start[@]}"
    fi
    start_proxy
    log "topology up: http://$(address proxy):8080 (logs under $DIR)"
    echo "http://$(address proxy):8080"
}

cmd_stop() {
    [[ -d "$DIR" ]] || die "no topology in $DIR"
    lock_dir
    case "$TARGET" in
        redis) stop_redis ;;
        postgres) stop_postgres ;;
        proxy) stop_proxy ;;
        silo-*) stop_silos "${TARGET#silo-}" ;;
    esac
}

# SIGKILL, as `docker kill`: the silo gets no chance to leave the cluster, and its restart policy ends first.
cmd_kill() {
    [[ -d "$DIR" ]] || die "no topology in $DIR"
    lock_dir
    local k="${TARGET#silo-}" pid
    end_supervisor "$k"
    pid="$(silo_pid "$k")" || die "$TARGET is not running"
    log "$TARGET: SIGKILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 "$TARGET"
    rm -f -- "$(silo_dir "$k")/silo.pid"
}

cmd_down() {
    if [[ -d "$DIR" ]]; then
        lock_dir
        stop_proxy
        # shellcheck disable=SC2046 # one index per word
        stop_silos $(seq 1 "$SILOS")
        stop_redis
        if [[ -x "$PG_BIN/pg_ctl" && -e "/run/netns/$(namespace postgres)" ]]; then stop_postgres; fi
    fi
    local c ns pids
    for c in "${COMPONENTS[@]}"; do
        ns="$(namespace "$c")"
        if [[ -e "/run/netns/$ns" ]]; then
            # Whatever still runs inside is left over from this topology.
            pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
            if [[ -n "${pids// /}" ]]; then
                warn "killing processes left in $ns: $pids"
                # shellcheck disable=SC2086 # one pid per word
                kill -KILL $pids 2>/dev/null || true
            fi
            ip netns del "$ns"
        fi
        ip link del "$(host_veth "$c")" 2>/dev/null || true
        rm -rf -- "/etc/netns/$ns"
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    rmdir /etc/netns 2>/dev/null || true
    rm -rf -- "$DIR"
    log "topology down: processes, namespaces, veths, bridge $BRIDGE and $DIR removed"
}

cmd_status() {
    local rc=0 c pid state answer
    ip link show "$BRIDGE" >/dev/null 2>&1 || {
        echo "no topology: bridge $BRIDGE does not exist"
        return 1
    }
    echo "bridge $BRIDGE: host $(host_address)/24; directory $DIR"
    for c in "${COMPONENTS[@]}"; do
        pid="" answer=""
        case "$c" in
            redis) pid="$(redis_pid || true)" && redis_up && answer="PONG" ;;
            postgres) pid="$(pg_pid || true)" && pg_up && answer="accepting connections" ;;
            proxy) pid="$(nginx_pid || true)" && answer="GET /health/ready: $(ready_code "$(address proxy):8080")" ;;
            silo-*) pid="$(silo_pid "${c#silo-}" || true)" && answer="GET /health/ready: $(ready_code "$(address "$c"):8080")" ;;
        esac
        state="${pid:+pid $pid}"
        printf '%-9s %-18s %-14s %-12s %s\n' "$c" "$(namespace "$c")" "$(address "$c")" "${state:-stopped}" "${answer:-no answer}"
        [[ -n "$pid" && -n "$answer" && "$answer" != *": 000" && "$answer" != *": 5"* ]] || rc=1
    done
    return "$rc"
}

case "$COMMAND" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    stop) cmd_stop ;;
    kill) cmd_kill ;;
esac
