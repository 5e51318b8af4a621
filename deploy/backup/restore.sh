#!/bin/sh
# Scripted restore of a set written by backup.sh.
#
#   restore.sh [--target-db NAME] [--replace] [--media-dir DIR] DUMP
#
# DUMP is a disputes-*.dump; its .sha256 beside it, when present, is checked first.
# The database is always restored into a NEW database (default: <PGDATABASE>_restore_<time>),
# checked, and left there -- the restore drill. With --replace the restored database then
# takes the name PGDATABASE and the current one is kept as <PGDATABASE>_before_<time>;
# stop web and worker first (docker compose stop web worker), since a database with open
# connections cannot be renamed. With --media-dir the evidence archive of the set is
# unpacked into DIR (which must be empty unless --replace).
#
# Environment: as backup.sh (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE or the
# POSTGRES_* of postgres.env); PGMAINTENANCE_DB (postgres) is used to create and rename.
set -eu

export PGHOST="${PGHOST:-postgres}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-${POSTGRES_USER:-postgres}}"
PGDATABASE="${PGDATABASE:-${POSTGRES_DB:-disputes}}"
if [ -z "${PGPASSWORD:-}" ] && [ -n "${POSTGRES_PASSWORD:-}" ]; then
    export PGPASSWORD="$POSTGRES_PASSWORD"
fi
MAINTENANCE_DB="${PGMAINTENANCE_DB:-postgres}"

log() { echo "$(date '+%Y-%m-%d %H:%M:%S') restore: $*"; }
fail() { log "ERROR: $*" >&2; exit 1; }
usage() { fail "usage: restore.sh [--target-db NAME] [--replace] [--media-dir DIR] DUMP"; }

target=""
replace=0
media_dir=""
dump=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target-db) [ $# -ge 2 ] || usage; target="$2"; shift 2 ;;
        --replace) replace=1; shift ;;
        --media-dir) [ $# -ge 2 ] || usage; media_dir="$2"; shift 2 ;;
        -*) usage ;;
        *) [ -z "$dump" ] || usage; dump="$1"; shift ;;
    esac
done
[ -n "$dump" ] || usage
[ -f "$dump" ] || fail "$dump: no such file"
stamp=$(date +%Y%m%d%H%M%S)
before=""
[ -n "$target" ] || target="${PGDATABASE}_restore_$stamp"
for name in "$target" "$PGDATABASE"; do
    case "$name" in *[!a-zA-Z0-9_]*|'') fail "database name $name: letters, digits and _ only" ;; esac
done
[ "$target" != "$PGDATABASE" ] || fail "restore into a new database; --replace then swaps it in"

dir=$(cd "$(dirname "$dump")" && pwd)
base=$(basename "$dump" .dump)
if [ -f "$dir/$base.sha256" ]; then
    log "checking $base.sha256"
    (cd "$dir" && sha256sum -c "$base.sha256") || fail "checksum mismatch: the set is damaged"
else
    log "no $base.sha256 beside the dump; its integrity is not checked"
fi
pg_restore --list "$dump" > /dev/null || fail "$dump is not a pg_dump archive"

psql_admin() { psql -X -v ON_ERROR_STOP=1 -d "$MAINTENANCE_DB" -qtA "$@"; }
exists=$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$target'")
[ -z "$exists" ] || fail "database $target exists; choose another --target-db"

log "restoring $dump into new database $target"
psql_admin -c "CREATE DATABASE \"$target\""
if ! pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$dump"; then
    log "restore failed; dropping $target"
    psql_admin -c "DROP DATABASE IF EXISTS \"$target\"" || true
    exit 1
fi

# The restored database must be this product's, with its history.
count() { psql -X -v ON_ERROR_STOP=1 -d "$target" -qtA -c "SELECT count(*) FROM $1"; }
migrations=$(count django_migrations) || fail "$target has no django_migrations table"
[ "$migrations" -gt 0 ] || fail "$target has no applied migrations"
log "restored: $migrations migrations, $(count disputes_dispute) cases, $(count disputes_disputeevent) events"

if [ -n "$media_dir" ]; then
    archive="$dir/$base.media.tar.gz"
    [ -f "$archive" ] || fail "no evidence archive $archive in this set"
    mkdir -p "$media_dir"
    if [ "$replace" -eq 0 ] && [ -n "$(ls -A "$media_dir")" ]; then
        fail "$media_dir is not empty (add --replace to unpack over it)"
    fi
    log "unpacking evidence files into $media_dir"
    tar -C "$media_dir" -xzf "$archive"
fi

if [ "$replace" -eq 1 ]; then
    current=$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'")
    if [ -n "$current" ]; then
        before="${PGDATABASE}_before_$stamp"
        log "keeping the current $PGDATABASE as $before"
        psql_admin -c "ALTER DATABASE \"$PGDATABASE\" RENAME TO \"$before\"" \
            || fail "cannot rename $PGDATABASE (web and worker still connected?); $target is intact"
    fi
    psql_admin -c "ALTER DATABASE \"$target\" RENAME TO \"$PGDATABASE\""
    log "done; $target is now $PGDATABASE${before:+ (the previous one is $before: drop it once the site is checked)}"
else
    log "done; $target is ready. Check it: DATABASE_URL=.../$target python manage.py verify_events"
fi
