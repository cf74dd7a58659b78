#!/usr/bin/env bash
# Backs up a Granary deployment's durable state: the PostgreSQL storage database and the service's
# Orleans reminders in Redis, taken at one moment, into a new timestamped backup directory.
#
#   scripts/backup.sh [--dir DIR] [--keep N]
#
# What a backup holds, and what it doesn't:
#   - database.dump: pg_dump --format=custom of the whole storage database: grain state
#     (granary_grain_storage, every ServiceId in it), the read model's tables (lists, job
#     logs, refresh-token families), Orleans's query texts (orleansquery) and the schema
#     history (granary_schema_migrations).
#   - reminders.txt: the members of the Redis sorted set {ServiceId}/reminders (Orleans's Redis
#     reminder table), one per line. They are backed up because nothing rebuilds them: a job
#     stored as retrying (webhook delivery, email), an order's outbox hand-over and auto-cancel,
#     a daily summary are each driven by their reminder alone, and their grains don't register
#     it again when they activate. Without it a retrying job would never run again, a pending
#     order would never auto-cancel, an outbox would wait for the order's next transition and a
#     daily summary for the organization's next settings change. Only two come back by
#     themselves: the hourly clean-up (every starting silo makes sure of it) and the notices of a
#     disabled webhook endpoint (its grain re-registers the reminder when it activates).
#   - Not included: Orleans's cluster membership ({ServiceId}/members/{ClusterId} in Redis; silos
#     re-join by themselves), the token signing key and other configuration (keep them with your
#     secrets), anything else in Redis or in other databases.
#
# One moment for both parts: the database is dumped from a snapshot exported by a REPEATABLE READ
# transaction (pg_dump --snapshot), and the reminder set is read just before and just after that
# snapshot is taken; the backup keeps the union (for a reminder read twice, the later read). Granary
# registers a job's reminder before the state write that needs it and removes it only after the
# write that finishes the job, so every job the snapshot holds as due has its reminder in the backup,
# except one whose reminder was registered, and removed again by a later finishing write, both in the
# milliseconds between the two reads. A reminder whose job is already finished in the snapshot is
# harmless: its first tick finds nothing to do and removes it. A write in flight at the snapshot is
# in the backup as a crash at that moment would have left it (a list row a grain had not yet
# written is written again when the grain next activates).
#
# The new backup is written under a temporary name, fsynced, checked (pg_restore --list reads the
# dump; every reminder line has Orleans's shape), then renamed into place and the directory fsynced.
# Only then are backups beyond the newest N deleted. On any failure the partial backup is removed,
# older backups are kept, and the exit code is non-zero. The new backup's path goes to stdout;
# progress and errors go to stderr. Two runs on one directory don't overlap (flock).
#
# Environment:
#   GRANARY_BACKUP_DATABASE_URL  required: libpq connection string of the storage database, a URI
#                                (postgresql://granary@db.internal:5432/granary?sslmode=require) or
#                                key=value pairs. Anything it leaves out comes from libpq's own
#                                PGHOST/PGPORT/PGUSER/PGPASSWORD/PGSSLMODE/... and ~/.pgpass.
#   GRANARY_BACKUP_REDIS_URL     required: the reminders' Redis (Granary:Reminders:Redis), as a
#                                redis-cli URI: redis://[[user]:password@]host:port[/db] (or
#                                rediss:// for TLS); a password may come from REDISCLI_AUTH instead.
#   GRANARY_BACKUP_SERVICE_ID    Granary:ServiceId of the deployment (default granary)
#   GRANARY_BACKUP_DIR           where backups go (--dir overrides); required
#   GRANARY_BACKUP_KEEP          how many backups to keep, the new one included (default 7; --keep)
#
# Needs pg_dump, pg_restore and psql no older than the PostgreSQL server (pg_dump refuses a newer
# server; Debian's wrapper runs the newest installed version), redis-cli, flock and sha256sum.
set -euo pipefail

readonly PROG="scripts/backup.sh"
readonly NAME_PATTERN='granary-[0-9]{8}T[0-9]{6}Z'
readonly MEMBER_PATTERN='^"[0-9A-F]{8}",".*","[^"]*","[^"]*","[^"]*"$'

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $PROG [--dir DIR] [--keep N]

  Writes DIR/granary-YYYYMMDDTHHMMSSZ/ (database.dump, reminders.txt, manifest, SHA256SUMS)
  from GRANARY_BACKUP_DATABASE_URL (libpq) and the {ServiceId}/reminders set in
  GRANARY_BACKUP_REDIS_URL, then keeps the newest N backups in DIR. Prints the new path.

  --dir DIR   backup directory (default \$GRANARY_BACKUP_DIR; required)
  --keep N    backups to keep, the new one included (default \${GRANARY_BACKUP_KEEP:-7})

  Covered: the whole storage database (grain state, read model, schema history) and the
  service's Orleans reminders (GRANARY_BACKUP_SERVICE_ID, default granary). Not covered:
  cluster membership (silos re-join), configuration and secrets. See the top of this file.
EOF
}

# ---------------------------------------------------------------- arguments
DIR="${GRANARY_BACKUP_DIR:-}"
KEEP="${GRANARY_BACKUP_KEEP:-7}"
while (($# > 0)); do
    case "$1" in
        --dir)
            (($# >= 2)) || die "--dir needs a value"
            DIR="$2"
            shift
            ;;
        --dir=*) DIR="${1#--dir=}" ;;
        --keep)
            (($# >= 2)) || die "--keep needs a value"
            KEEP="$2"
            shift
            ;;
        --keep=*) KEEP="${1#--keep=}" ;;
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

DATABASE_URL="${GRANARY_BACKUP_DATABASE_URL:-}"
REDIS_URL="${GRANARY_BACKUP_REDIS_URL:-}"
SERVICE_ID="${GRANARY_BACKUP_SERVICE_ID:-granary}"
[[ -n "$DIR" ]] || die "no backup directory: set GRANARY_BACKUP_DIR or pass --dir DIR"
if ! [[ "$KEEP" =~ ^[0-9]+$ ]] || ((KEEP < 1)); then
    die "GRANARY_BACKUP_KEEP/--keep is '$KEEP' but must be a whole number of at least 1"
fi
[[ -n "$DATABASE_URL" ]] || die "GRANARY_BACKUP_DATABASE_URL is not set (a libpq connection string of the storage database)"
[[ -n "$REDIS_URL" ]] || die "GRANARY_BACKUP_REDIS_URL is not set (redis://host:port of the reminders' Redis)"
[[ "$REDIS_URL" =~ ^rediss?:// ]] || die "GRANARY_BACKUP_REDIS_URL is '$REDIS_URL' but must be a redis:// or rediss:// URI"
[[ -n "$SERVICE_ID" && "$SERVICE_ID" != *$'\n'* ]] || die "GRANARY_BACKUP_SERVICE_ID must be a non-empty single line"
for tool in pg_dump pg_restore psql redis-cli flock sha256sum; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool is not installed (Debian: apt-get install postgresql-client redis-tools coreutils util-linux)"
done

readonly REMINDERS_KEY="$SERVICE_ID/reminders"
mkdir -p -- "$DIR" || die "cannot create the backup directory $DIR"
DIR="$(realpath -- "$DIR")"
readonly DIR

# ---------------------------------------------------------------- helpers
# Bounded: redis-cli would wait for ever on something that is not Redis.
redis_cli() { timeout 60 redis-cli --no-auth-warning -u "$REDIS_URL" "$@" </dev/null; }

# Writes the reminder set's members, one per line, to $1; fails unless every line has Orleans's shape.
read_reminders() {
    local file="$1" type
    type="$(redis_cli TYPE "$REMINDERS_KEY")" || die "cannot reach Redis at GRANARY_BACKUP_REDIS_URL"
    case "$type" in
        none) : >"$file" ;;
        zset) redis_cli --raw ZRANGE "$REMINDERS_KEY" 0 -1 >"$file" || die "ZRANGE $REMINDERS_KEY failed" ;;
        *) die "Redis key '$REMINDERS_KEY' is a $type, not Orleans's reminder sorted set (wrong GRANARY_BACKUP_SERVICE_ID?)" ;;
    esac
    if grep -Evq -- "$MEMBER_PATTERN" "$file"; then
        die "an entry of $REMINDERS_KEY is not an Orleans reminder (or holds a line break): $(grep -Ev -- "$MEMBER_PATTERN" "$file" | head -n 1 | cut -c 1-200)"
    fi
}

# The union of two reads, later read first: one line per (grain hash, grain, reminder name), which is
# the member without its last three fields (ETag, start time, period: none holds a quote).
merge_reminders() {
    cat -- "$1" "$2" | LC_ALL=C awk '{
        key = $0
        sub(/,"[^"]*","[^"]*","[^"]*"$/, "", key)
        if (!(key in seen)) { seen[key] = 1; print }
    }'
}

# ---------------------------------------------------------------- lock, leftovers
exec 9>"$DIR/.backup.lock"
flock -w 600 9 || die "another backup has held $DIR/.backup.lock for 10 minutes"
# Under the lock no other backup is writing, so any partial directory is a leftover of a crashed run.
find "$DIR" -mindepth 1 -maxdepth 1 -type d -name '.granary-*.partial' -exec rm -rf -- {} + 2>/dev/null || true

# Names are per second: a backup right after another one waits for the next second.
for _ in 1 2 3; do
    STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
    NAME="granary-$STAMP"
    FINAL="$DIR/$NAME"
    [[ -e "$FINAL" ]] || break
    sleep 1
done
[[ ! -e "$FINAL" ]] || die "$FINAL already exists (is the clock going backwards?)"
PARTIAL="$DIR/.$NAME.partial"
PSQL_PID=""
cleanup() {
    if [[ -n "$PSQL_PID" ]]; then
        kill "$PSQL_PID" 2>/dev/null || true
    fi
    rm -rf -- "$PARTIAL"
}
trap cleanup EXIT
mkdir -m 0700 -- "$PARTIAL"

# ---------------------------------------------------------------- one moment
log "reading $REMINDERS_KEY before the database snapshot ..."
read_reminders "$PARTIAL/reminders.before"

# A REPEATABLE READ transaction's snapshot is taken by its first query; it stays importable while the
# transaction is open, so this psql session is held open (through two FIFOs) until pg_dump has finished.
mkfifo -m 0600 -- "$PARTIAL/to-psql" "$PARTIAL/from-psql"
psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" <"$PARTIAL/to-psql" >"$PARTIAL/from-psql" 2>&1 &
PSQL_PID=$!
exec {TO_PSQL}>"$PARTIAL/to-psql" {FROM_PSQL}<"$PARTIAL/from-psql"
# A psql that failed to connect has gone: the write then fails (no SIGPIPE death) and the read below gets its error.
trap '' PIPE
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" \
    "SELECT pg_export_snapshot(), current_database(), split_part(current_setting('server_version'), ' ', 1), (SELECT max(version) FROM granary_schema_migrations);" \
    1>&"$TO_PSQL" 2>/dev/null || true
trap - PIPE
ANSWER=""
read -r -t 60 ANSWER <&"$FROM_PSQL" || [[ -n "$ANSWER" ]] || die "no answer from PostgreSQL within 60 s (GRANARY_BACKUP_DATABASE_URL)"
IFS='|' read -r SNAPSHOT_ID DATABASE_NAME SERVER_VERSION SCHEMA_VERSION <<<"$ANSWER"
[[ "$SNAPSHOT_ID" =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ && -n "$SCHEMA_VERSION" ]] ||
    die "could not open a snapshot of Granary's storage database (GRANARY_BACKUP_DATABASE_URL): $ANSWER"
log "reading $REMINDERS_KEY after the database snapshot ..."
read_reminders "$PARTIAL/reminders.after"

log "dumping database '$DATABASE_NAME' (PostgreSQL $SERVER_VERSION, schema version $SCHEMA_VERSION) ..."
pg_dump --format=custom --snapshot="$SNAPSHOT_ID" --file="$PARTIAL/database.dump" --dbname="$DATABASE_URL" ||
    die "pg_dump failed (a pg_dump older than the server refuses to run: install a matching postgresql-client)"
printf 'COMMIT;\n' 1>&"$TO_PSQL" 2>/dev/null || true
exec {TO_PSQL}>&- {FROM_PSQL}<&-
wait "$PSQL_PID" || true
PSQL_PID=""
rm -f -- "$PARTIAL/to-psql" "$PARTIAL/from-psql"

merge_reminders "$PARTIAL/reminders.after" "$PARTIAL/reminders.before" >"$PARTIAL/reminders.txt"
rm -f -- "$PARTIAL/reminders.before" "$PARTIAL/reminders.after"
REMINDER_COUNT="$(wc -l <"$PARTIAL/reminders.txt")"

# ---------------------------------------------------------------- verify, seal
CONTENTS="$(pg_restore --list "$PARTIAL/database.dump")" || die "pg_restore --list cannot read the new dump"
grep -Eq 'TABLE DATA [^ ]+ granary_grain_storage ' <<<"$CONTENTS" || die "the dump holds no data of granary_grain_storage: is GRANARY_BACKUP_DATABASE_URL Granary's storage database?"
cat >"$PARTIAL/manifest" <<EOF
format=granary-backup-1
created_at=$STAMP
service_id=$SERVICE_ID
reminders_key=$REMINDERS_KEY
reminders=$REMINDER_COUNT
database=$DATABASE_NAME
server_version=$SERVER_VERSION
pg_dump_version=$(pg_dump --version | sed -E 's/^pg_dump \(PostgreSQL\) ([^ ]+).*/\1/')
schema_version=$SCHEMA_VERSION
EOF
(cd "$PARTIAL" && sha256sum database.dump reminders.txt manifest >SHA256SUMS)
sync -- "$PARTIAL"/* "$PARTIAL"
mv -T -- "$PARTIAL" "$FINAL"
sync -- "$DIR"
log "backup written: $FINAL ($(du -sh -- "$FINAL" | cut -f 1), $REMINDER_COUNT reminders)"

# ---------------------------------------------------------------- retention
mapfile -t OLD < <(find "$DIR" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex ".*/$NAME_PATTERN" \
    -exec test -f '{}/manifest' ';' -printf '%f\n' | sort -r | tail -n +$((KEEP + 1)))
for old in "${OLD[@]}"; do
    log "removing old backup $DIR/$old (keeping the newest $KEEP)"
    rm -rf -- "${DIR:?}/$old"
done
((${#OLD[@]} == 0)) || sync -- "$DIR"

printf '%s\n' "$FINAL"
