#!/usr/bin/env bash
# An upload of many valid allocation rows (100,000 by default) through the import
# page under gunicorn with the README's settings (3 workers, gunicorn's 30 s worker
# timeout), with a db_worker beside it: the upload is answered at once and the check
# and the import run as jobs. Prints their times and rows per second, and fails if a
# worker timed out or a job failed.
#
#   DATABASE_URL=postgres://…/copy_of_the_demo scripts/import_100k.sh [ROWS]
#
# It imports into the database it is given: use a copy of the demo (make run's),
# whose officer signs in with the password demo.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
port=${IMPORT_PORT:-8766}
work=$(mktemp -d)
export DEBUG=0 SECRET_KEY=import-$RANDOM-$RANDOM-$RANDOM-not-a-deployment-key
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$work/static LOG_LEVEL=WARNING
.venv/bin/python manage.py collectstatic --no-input -v 0

.venv/bin/python manage.py write_import_file "$rows" "$work/rows.csv"
echo "file: $rows rows, $(du -h "$work/rows.csv" | cut -f1)"

.venv/bin/gunicorn pcc_grants.wsgi --bind "127.0.0.1:$port" --workers 3 \
  --error-logfile "$work/gunicorn.log" &
server=$!
.venv/bin/python manage.py db_worker --queue-name '*' --no-reload --interval 0.5 \
  > "$work/worker.log" 2>&1 &
worker=$!
trap 'kill $server $worker 2>/dev/null; wait $server $worker 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/health/" >/dev/null 2>&1 && break
  sleep 0.2
done

base=http://127.0.0.1:$port jar=$work/cookies.txt
token=$(curl -fsS -c "$jar" -b "$jar" "$base/accounts/login/" |
  sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -fsS -c "$jar" -b "$jar" -o /dev/null -H "Referer: $base/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=${IMPORT_USER:-officer}" \
  --data-urlencode "password=${IMPORT_PASSWORD:-demo}" "$base/accounts/login/"

scripts/import_job.sh "$base" "$jar" "$work/rows.csv"
if grep -q "WORKER TIMEOUT" "$work/gunicorn.log"; then
  echo "FAIL: a gunicorn worker timed out" >&2; exit 1
fi
echo "no gunicorn worker timed out"
