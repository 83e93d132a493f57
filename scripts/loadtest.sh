#!/usr/bin/env bash
# Load test: gunicorn in production settings on 127.0.0.1, and wrk sending the
# public decision register and a published PDF 25 connections each (50 clients
# in all) for LOADTEST_SECONDS (60 by default). Prints requests per second and
# errors, writes bench/loadtest.json, and exits 1 if any request failed.
#
#   scripts/loadtest.sh            # the database DATABASE_URL names, or db.sqlite3
#
# The database must hold at least one published record (make run's demo does,
# and so does make bench's bulk data).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LOADTEST_SECONDS:-60}
port=${LOADTEST_PORT:-8765}
workers=${LOADTEST_WORKERS:-$(( $(nproc) * 2 + 1 ))}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
export DEBUG=0 SECRET_KEY=loadtest-$RANDOM-$RANDOM-$RANDOM-not-a-deployment-key
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$work/static LOG_LEVEL=WARNING CONN_MAX_AGE=${CONN_MAX_AGE:-60}
.venv/bin/python manage.py collectstatic --no-input -v 0

.venv/bin/gunicorn pcc_grants.wsgi --bind "127.0.0.1:$port" --workers "$workers" \
  --access-logfile - --error-logfile "$work/gunicorn.log" > "$work/access.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/health/" >/dev/null 2>&1 && break
  sleep 0.2
done

base=http://127.0.0.1:$port
pdf=$(curl -fsS "$base/open-data/decisions.json" | .venv/bin/python -c '
import json, sys
records = json.load(sys.stdin)["decisions"]
if not records:
    sys.exit("no published record in this database: load the demo or the bulk data")
print(records[0]["pdf_url"])')
pdf=${pdf#"$base"}
echo "gunicorn: $workers workers; wrk: 25 + 25 connections for ${seconds}s"
echo "  GET /decisions/   and   GET $pdf"

wrk --threads 1 --connections 25 --duration "${seconds}s" --timeout 10s --latency "$base/decisions/" \
  > "$work/register.txt" &
one=$!
wrk --threads 1 --connections 25 --duration "${seconds}s" --timeout 10s --latency "$base$pdf" \
  > "$work/pdf.txt" &
two=$!
wait $one $two
cp "$work/register.txt" "$work/pdf.txt" "${LOADTEST_KEEP:-$work}/" 2>/dev/null || true

.venv/bin/python - "$work/register.txt" "$work/pdf.txt" "$workers" "$seconds" "$pdf" <<'PY'
import json
import re
import sys
from pathlib import Path


def read(path):
    text = Path(path).read_text()
    def number(pattern, default="0"):
        found = re.search(pattern, text)
        return found.group(1) if found else default
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_second": float(number(r"Requests/sec:\s+([\d.]+)")),
        "latency_p50": number(r"(?m)^\s+50%\s+(\S+)", "?"),
        "latency_p99": number(r"(?m)^\s+99%\s+(\S+)", "?"),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": errors,
    }


register, pdf = read(sys.argv[1]), read(sys.argv[2])
results = {
    "workers": int(sys.argv[3]),
    "seconds": int(sys.argv[4]),
    "clients": 50,
    "register": register,
    "published_pdf": {"path": sys.argv[5], **pdf},
}
Path("bench").mkdir(exist_ok=True)
Path("bench/loadtest.json").write_text(json.dumps(results, indent=2) + "\n")
print(f"{'page':<16}{'requests':>10}{'req/s':>10}{'p50':>10}{'p99':>10}{'errors':>8}")
total_errors = 0
for name, row in (("register", register), ("published PDF", pdf)):
    errors = row["non_2xx_3xx"] + row["socket_errors"]
    total_errors += errors
    print(
        f"{name:<16}{row['requests']:>10}{row['requests_per_second']:>10.1f}"
        f"{row['latency_p50']:>10}{row['latency_p99']:>10}{errors:>8}"
    )
print("written to bench/loadtest.json")
if total_errors or not (register["requests"] and pdf["requests"]):
    sys.exit(f"FAIL: {total_errors} failed request(s)")
PY
