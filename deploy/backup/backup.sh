#!/bin/sh
# Scheduled backup: a pg_dump of the database (custom format, checked readable) and a
# tar of the evidence files, every day at BACKUP_AT (local time, TZ), then retention.
#
#   backup.sh           run forever (the compose `backup` service)
#   backup.sh --once    one backup now, then exit (a cron job, a Kubernetes CronJob, a drill)
#
# Environment: the libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD), or
# POSTGRES_USER / POSTGRES_DB / POSTGRES_PASSWORD of postgres.env; BACKUP_DIR (/backups),
# BACKUP_AT (02:30), BACKUP_KEEP_DAYS (14), BACKUP_KEEP_MIN (3: the newest sets are kept
# whatever their age), MEDIA_DIR (empty: no evidence archive).
#
# One set per run, named by its start time: disputes-YYYYmmddTHHMMSS.dump, .media.tar.gz
# and .sha256 (checksums of both). A set appears whole or not at all: it is written under
# a .partial name and renamed at the end.
set -eu

export PGHOST="${PGHOST:-postgres}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-${POSTGRES_USER:-postgres}}"
export PGDATABASE="${PGDATABASE:-${POSTGRES_DB:-disputes}}"
if [ -z "${PGPASSWORD:-}" ] && [ -n "${POSTGRES_PASSWORD:-}" ]; then
    export PGPASSWORD="$POSTGRES_PASSWORD"
fi
BACKUP_DIR="${BACKUP_DIR:-/backups}"
BACKUP_AT="${BACKUP_AT:-02:30}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
BACKUP_KEEP_MIN="${BACKUP_KEEP_MIN:-3}"
MEDIA_DIR="${MEDIA_DIR:-}"

log() { echo "$(date '+%Y-%m-%d %H:%M:%S') backup: $*"; }
fail() { log "ERROR: $*" >&2; exit 1; }

for number in "$BACKUP_KEEP_DAYS" "$BACKUP_KEEP_MIN"; do
    case "$number" in ''|*[!0-9]*) fail "BACKUP_KEEP_DAYS and BACKUP_KEEP_MIN must be whole numbers" ;; esac
done
case "$BACKUP_AT" in
    [0-2][0-9]:[0-5][0-9]) ;;
    *) fail "BACKUP_AT=$BACKUP_AT is not a time of day (HH:MM)" ;;
esac
mkdir -p "$BACKUP_DIR"

backup_once() {
    stamp=$(date +%Y%m%dT%H%M%S)
    name="disputes-$stamp"
    partial="$BACKUP_DIR/.partial-$name"
    rm -rf "$partial"
    mkdir -p "$partial"
    log "dumping database $PGDATABASE on $PGHOST:$PGPORT"
    pg_dump --format=custom --compress=6 --file="$partial/$name.dump"
    # A dump that pg_restore cannot list is no backup.
    pg_restore --list "$partial/$name.dump" > /dev/null
    if [ -n "$MEDIA_DIR" ]; then
        [ -d "$MEDIA_DIR" ] || fail "MEDIA_DIR=$MEDIA_DIR is not a directory"
        log "archiving evidence files of $MEDIA_DIR"
        tar -C "$MEDIA_DIR" -czf "$partial/$name.media.tar.gz" .
    fi
    (cd "$partial" && sha256sum "$name".* > "$name.sha256")
    mv "$partial"/* "$BACKUP_DIR"/
    rmdir "$partial"
    log "wrote $BACKUP_DIR/$name.dump ($(wc -c < "$BACKUP_DIR/$name.dump") bytes)"
    prune
}

# Sets older than BACKUP_KEEP_DAYS go, except the newest BACKUP_KEEP_MIN: a backup that
# stopped running for weeks must not leave nothing behind.
prune() {
    kept=0
    for dump in $(ls -1 "$BACKUP_DIR"/disputes-*.dump 2> /dev/null | sort -r); do
        kept=$((kept + 1))
        [ "$kept" -le "$BACKUP_KEEP_MIN" ] && continue
        if [ -n "$(find "$dump" -mtime +"$BACKUP_KEEP_DAYS")" ]; then
            base="${dump%.dump}"
            log "removing $(basename "$base") (older than $BACKUP_KEEP_DAYS days)"
            rm -f "$base.dump" "$base.media.tar.gz" "$base.sha256"
        fi
    done
}

seconds_until_next_run() {
    now=$(date +%s)
    next=$(date -d "$BACKUP_AT" +%s)
    [ "$next" -gt "$now" ] || next=$((next + 86400))
    echo $((next - now))
}

if [ "${1:-}" = "--once" ]; then
    backup_once
    exit 0
fi
[ $# -eq 0 ] || fail "usage: backup.sh [--once]"

# Stop at once on `docker compose stop` (a shell as PID 1 ignores SIGTERM otherwise).
trap 'log "stopping"; exit 0' TERM INT
log "daily at $BACKUP_AT, keeping $BACKUP_KEEP_DAYS days (at least $BACKUP_KEEP_MIN sets) in $BACKUP_DIR"
while :; do
    wait_seconds=$(seconds_until_next_run)
    log "next backup in ${wait_seconds}s"
    sleep "$wait_seconds" &
    wait $!
    # A failed run is logged and retried at the next time, not the end of the service.
    ( backup_once ) || log "ERROR: backup failed; see above"
done
