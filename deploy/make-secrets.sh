#!/bin/sh
# Writes deploy/secrets.env and deploy/postgres.env with fresh random secrets (the same
# database password in both), readable by their owner only. Never overwrites a file.
set -eu
cd "$(dirname "$0")"
umask 077
for file in secrets.env postgres.env; do
    if [ -e "$file" ]; then
        echo "$file exists; not touching it" >&2
        exit 1
    fi
done
random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
db_password=$(random 24)
cat > postgres.env <<EOT
POSTGRES_DB=disputes
POSTGRES_USER=disputes
POSTGRES_PASSWORD=$db_password
EOT
cat > secrets.env <<EOT
SECRET_KEY=$(random 40)
ACCESS_CODE_KEY=$(random 32)
DATABASE_URL=postgres://disputes:$db_password@postgres:5432/disputes
REDIS_URL=redis://redis:6379/0
EOT
echo "wrote secrets.env and postgres.env (mode 600); keep a copy in the site's safe"
