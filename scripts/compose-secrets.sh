#!/usr/bin/env bash
# Creates the secret files docker-compose.yml mounts under /run/secrets, each from fresh random bytes.
#
#   scripts/compose-secrets.sh [--dir DIR]
#
# Files (in DIR, default deploy/secrets/ beside docker-compose.yml; never committed, see .gitignore):
#   signing_key          base64 of 32 random bytes: the key every silo signs and checks access tokens with
#   postgres_password    the password of PostgreSQL's role granary (PostgreSQL applies it only when its volume is
#                        first initialised: changing it later means ALTER ROLE as well)
#   postgres_connection  the silos' Npgsql connection string, with that same password
#   dashboard_password   the password of the operator (GRANARY_DASHBOARD_USERNAME in .env) at /dashboard
#   smtp_password        the SMTP login's password: empty (no login) until you write one into it
#   grafana_admin_password  Grafana's admin password (the compose "monitoring" profile)
#
# A file that exists is kept as it is: running the script again only adds what is missing (postgres_connection is
# then made from the postgres_password already there). It never rotates a secret.
#
# Permissions: Compose bind-mounts file secrets with their host owner and mode, and the containers read them as
# non-root users (the silo as uid 1654, PostgreSQL as uid 999). So the files are 0644 and the folder that holds them
# is 0700: other users of the host cannot reach the files, the containers can read them.
set -euo pipefail

readonly PROG="scripts/compose-secrets.sh"
ROOT="$(cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# The role and database docker-compose.yml gives PostgreSQL, and the service name the silos reach it by.
readonly PG_HOST="postgres" PG_ROLE="granary" PG_DATABASE="granary"
# Each silo has its own pool: silos x pool must stay under PostgreSQL's max_connections (200 in docker-compose.yml).
readonly PG_POOL=50

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $PROG [--dir DIR]

  Creates the missing secret files docker-compose.yml needs in DIR
  (default: deploy/secrets/ in the repository).
EOF
}

DIR="$ROOT/deploy/secrets"
while (($# > 0)); do
    case "$1" in
        --dir)
            (($# >= 2)) || die "--dir needs a value"
            DIR="$2"
            shift 2
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage
            die "unknown argument: $1"
            ;;
    esac
done

command -v base64 >/dev/null 2>&1 || die "base64 (coreutils) is missing"
command -v od >/dev/null 2>&1 || die "od (coreutils) is missing"

# N random bytes as base64, on one line.
random_base64() { head -c "$1" /dev/urandom | base64 -w 0; }

# N random bytes as hex: safe inside a connection string without quoting.
random_hex() { od -An -v -tx1 -N "$1" /dev/urandom | tr -d ' \n'; }

# Writes VALUE to DIR/NAME unless that file exists. No trailing newline: the silo reads the file as the value.
create() {
    local value="$2" path="$DIR/$1"
    if [[ -e "$path" ]]; then
        log "kept $path"
        return 0
    fi
    (umask 077 && printf '%s' "$value" >"$path.tmp")
    chmod 0644 "$path.tmp"
    mv -- "$path.tmp" "$path"
    log "created $path"
}

mkdir -p -- "$DIR"
chmod 0700 -- "$DIR"

create signing_key "$(random_base64 32)"
create postgres_password "$(random_hex 24)"
password="$(cat -- "$DIR/postgres_password")"
[[ -n "$password" ]] || die "$DIR/postgres_password is empty"
[[ "$password" != *";"* && "$password" != *"'"* ]] ||
    die "$DIR/postgres_password holds ';' or a quote: write postgres_connection yourself, quoting the password"
create postgres_connection "Host=$PG_HOST;Username=$PG_ROLE;Password=$password;Database=$PG_DATABASE;Maximum Pool Size=$PG_POOL"
create dashboard_password "$(random_base64 18)"
create smtp_password ""
create grafana_admin_password "$(random_base64 18)"
