#!/bin/sh
# nginx start-up (/docker-entrypoint.d/): the request body limit follows the app's
# EVIDENCE_MAX_MB, plus 1 MB for the multipart envelope around the file, so that a file
# the app accepts is never refused by nginx first.
set -eu
mb="${EVIDENCE_MAX_MB:-20}"
case "$mb" in
    ''|*[!0-9]*) echo "EVIDENCE_MAX_MB=$mb is not a whole number of megabytes" >&2; exit 1 ;;
esac
echo "client_max_body_size $((mb + 1))m;" > "${UPLOAD_LIMIT_CONF:-/etc/nginx/disputes/upload-limit.conf}"
