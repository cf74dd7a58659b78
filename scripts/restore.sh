#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh: the storage database into a new, empty PostgreSQL
# database, and the service's Orleans reminders into Redis. Then says what to do next.
#
#   scripts/restore.sh BACKUP [--clean] [--replace-reminders]
#
# BACKUP is a backup directory (DIR/granary-YYYYMMDDTHHMMSSZ). Before anything is written, its
# checksums are checked and pg_restore --list must read its dump.
#
# The database: the target must exist (createdb it first) and be empty (no table, view, sequence or
# function outside PostgreSQL's own schemas); --clean accepts a non-empty one and drops the
# backup's objects there before restoring them (pg_restore --clean --if-exists). pg_restore runs
# with --no-owner --no-privileges (objects belong to the role in GRANARY_RESTORE_DATABASE_URL;
# GRANTs are not restored) in a single transaction: on failure nothing is kept.
#
# The reminders: the backup's members are loaded into a scratch key and renamed onto
# {ServiceId}/reminders (the ServiceId the backup was taken with: it keys the restored grain rows too),
# so silos never see half of them. The key must not exist; --replace-reminders replaces it (the
# reminders the deployment registered after the backup then go; their grains' state goes back to
# the backup's as well). The cluster membership is not restored: silos join afresh.
#
# Stop every silo of the deployment before restoring: a running silo keeps writing the state and
# reminders the restore replaces.
#
# Environment:
#   GRANARY_RESTORE_DATABASE_URL  required: libpq connection string of the target database (URI or
#                                 key=value; PG* variables and ~/.pgpass fill in the rest)
#   GRANARY_RESTORE_REDIS_URL     required: redis-cli URI of the reminders' Redis,
#                                 redis://[[user]:password@]host:port[/db] (or REDISCLI_AUTH)
#
# Needs pg_restore and psql no older than the pg_dump that wrote the backup, redis-cli, sha256sum.
set -euo pipefail

readonly PROG="scripts/restore.sh"
readonly BATCH=1000

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $PROG BACKUP [--clean] [--replace-reminders]

  Restores BACKUP (a directory written by scripts/backup.sh) into the empty database
  GRANARY_RESTORE_DATABASE_URL (libpq) and its reminders into GRANARY_RESTORE_REDIS_URL.

  --clean              allow a non-empty target database: drop the backup's objects first
  --replace-reminders  replace the service's reminder set when the target Redis has one

  Stop the deployment's silos first. Membership is not restored (silos join afresh).
EOF
}

# ---------------------------------------------------------------- arguments
BACKUP=""
CLEAN=0
REPLACE_REMINDERS=0
while (($# > 0)); do
    case "$1" in
        --clean) CLEAN=1 ;;
        --replace-reminders) REPLACE_REMINDERS=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*)
            usage
            die "unknown option '$1'"
            ;;
        *)
            [[ -z "$BACKUP" ]] || die "only one backup allowed (got '$BACKUP' and '$1')"
            BACKUP="$1"
            ;;
    esac
    shift
done
if [[ -z "$BACKUP" ]]; then
    usage
    exit 2
fi
DATABASE_URL="${GRANARY_RESTORE_DATABASE_URL:-}"
REDIS_URL="${GRANARY_RESTORE_REDIS_URL:-}"
[[ -n "$DATABASE_URL" ]] || die "GRANARY_RESTORE_DATABASE_URL is not set (a libpq connection string of the new database)"
[[ -n "$REDIS_URL" ]] || die "GRANARY_RESTORE_REDIS_URL is not set (redis://host:port of the reminders' Redis)"
[[ "$REDIS_URL" =~ ^rediss?:// ]] || die "GRANARY_RESTORE_REDIS_URL is '$REDIS_URL' but must be a redis:// or rediss:// URI"
for tool in pg_restore psql redis-cli sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (Debian: apt-get install postgresql-client redis-tools)"
done

# ---------------------------------------------------------------- the backup
[[ -d "$BACKUP" ]] || die "$BACKUP is not a directory (give a backup, e.g. /var/backups/granary/granary-20260101T030000Z)"
BACKUP="$(realpath -- "$BACKUP")"
for file in manifest database.dump reminders.txt SHA256SUMS; do
    [[ -f "$BACKUP/$file" ]] || die "$BACKUP has no $file: not a complete backup of scripts/backup.sh"
done
(cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS >&2) || die "$BACKUP fails its checksums (SHA256SUMS): damaged"
manifest() {
    local value
    value="$(sed -n "s/^$1=//p" -- "$BACKUP/manifest" | head -n 1)"
    [[ -n "$value" ]] || die "$BACKUP/manifest has no $1"
    printf '%s\n' "$value"
}
[[ "$(manifest format)" == granary-backup-1 ]] || die "$BACKUP/manifest: unknown format '$(manifest format)'"
SERVICE_ID="$(manifest service_id)"
REMINDERS_KEY="$(manifest reminders_key)"
REMINDER_COUNT="$(manifest reminders)"
SCHEMA_VERSION="$(manifest schema_version)"
[[ "$(wc -l <"$BACKUP/reminders.txt")" -eq "$REMINDER_COUNT" ]] || die "$BACKUP/reminders.txt does not hold the $REMINDER_COUNT reminders its manifest says"
pg_restore --list "$BACKUP/database.dump" >/dev/null ||
    die "pg_restore --list cannot read $BACKUP/database.dump (a pg_restore older than the backup's pg_dump $(manifest pg_dump_version)?)"

# ---------------------------------------------------------------- the targets
redis_cli() { timeout 60 redis-cli --no-auth-warning -u "$REDIS_URL" "$@" </dev/null; }
psql_value() { psql -X -q -A -t -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" -c "$1"; }

TARGET="$(psql_value "SELECT current_database() || ' on ' || coalesce(host(inet_server_addr()), 'local socket') || ':' || current_setting('port')")" ||
    die "cannot connect to GRANARY_RESTORE_DATABASE_URL (create the database first: createdb NAME)"
OBJECTS="$(psql_value "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')
                             + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                                WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')")"
if ((OBJECTS > 0 && !CLEAN)); then
    die "database $TARGET is not empty ($OBJECTS tables, sequences, views or functions): restore into a new database (createdb NAME), or pass --clean to drop the backup's objects there first"
fi
KEY_TYPE="$(redis_cli TYPE "$REMINDERS_KEY")" || die "cannot reach Redis at GRANARY_RESTORE_REDIS_URL"
if [[ "$KEY_TYPE" != none && "$REPLACE_REMINDERS" == 0 ]]; then
    die "Redis already holds '$REMINDERS_KEY' ($(redis_cli ZCARD "$REMINDERS_KEY" 2>/dev/null || echo "a $KEY_TYPE")): pass --replace-reminders to replace it with the backup's $REMINDER_COUNT reminders"
fi

# ---------------------------------------------------------------- database
log "restoring $BACKUP/database.dump into $TARGET ..."
restore_args=(--no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DATABASE_URL")
((CLEAN)) && restore_args+=(--clean --if-exists)
pg_restore "${restore_args[@]}" "$BACKUP/database.dump" || die "pg_restore failed; nothing of it was kept (one transaction)"
RESTORED_VERSION="$(psql_value "SELECT max(version) FROM granary_schema_migrations")"
[[ "$RESTORED_VERSION" == "$SCHEMA_VERSION" ]] || die "restored schema version is '$RESTORED_VERSION', the backup says $SCHEMA_VERSION"

# ---------------------------------------------------------------- reminders
SCRATCH="$REMINDERS_KEY.restoring-$$"
log "loading $REMINDER_COUNT reminders into $REMINDERS_KEY ..."
redis_cli DEL "$SCRATCH" >/dev/null
# Arguments, not a command line: a member's quotes and commas reach Redis as they are.
while mapfile -t -n "$BATCH" members && ((${#members[@]} > 0)); do
    args=()
    for member in "${members[@]}"; do
        args+=(0 "$member")
    done
    added="$(redis_cli ZADD "$SCRATCH" "${args[@]}")"
    [[ "$added" =~ ^[0-9]+$ ]] || {
        redis_cli DEL "$SCRATCH" >/dev/null || true
        die "ZADD into $SCRATCH failed: $added"
    }
done <"$BACKUP/reminders.txt"
if ((REMINDER_COUNT == 0)); then
    redis_cli DEL "$REMINDERS_KEY" >/dev/null
elif ((REPLACE_REMINDERS)); then
    [[ "$(redis_cli RENAME "$SCRATCH" "$REMINDERS_KEY")" == OK ]] || die "RENAME $SCRATCH $REMINDERS_KEY failed"
else
    [[ "$(redis_cli RENAMENX "$SCRATCH" "$REMINDERS_KEY")" == 1 ]] || {
        redis_cli DEL "$SCRATCH" >/dev/null || true
        die "'$REMINDERS_KEY' appeared in Redis during the restore; nothing was changed there (pass --replace-reminders)"
    }
fi
LOADED="$(redis_cli ZCARD "$REMINDERS_KEY")"
[[ "$LOADED" == "$REMINDER_COUNT" ]] || die "$REMINDERS_KEY holds $LOADED reminders after the restore, the backup $REMINDER_COUNT"

cat <<EOF
$PROG: restored $(basename -- "$BACKUP") (taken $(manifest created_at)) into $TARGET: schema version $RESTORED_VERSION, $LOADED reminders in $REMINDERS_KEY.

Next:
  1. Point every silo at the restored database:
       Granary__Storage__Postgres__ConnectionString='Host=...;Port=...;Database=$(psql_value "SELECT current_database()");Username=...;Password=...'
     and keep Granary__ServiceId=$SERVICE_ID (it keys the restored state and reminders), the
     reminders' Redis (Granary__Reminders__Redis__Configuration) and the token signing key.
  2. Start the silos. With Granary:Storage:MigrateOnStart=true (the default) the first silo brings
     the schema forward when this build is newer than the backup's; with false, run
     'dotnet Granary.Silo.dll migrate' first.
  3. Check /health/ready. Jobs that were due at the backup run when their restored reminders tick:
     at their due time, or within one reminder period (Granary:Reminders:MinimumPeriod, 1 minute by
     default) when it has passed. Work done after the backup was taken is not in it.
EOF
