#!/usr/bin/env bash
# Load test: gunicorn in production settings on 127.0.0.1, and one wrk per page, all
# at once for LOADTEST_SECONDS (60 by default), LOADTEST_CONNECTIONS each (10; 50
# clients in all): the public decision register and a published PDF, and, signed in
# as a member of staff, the dashboard, the allocations register and a decision
# record's page; meanwhile an import of LOADTEST_IMPORT_ROWS allocations (5,000)
# uploaded through its page runs as background jobs with a db_worker. Prints each
# page's requests per second, latency and errors and the import's times, writes
# bench/loadtest.json, and exits 1 if any request failed (an answer other than 200,
# or a signed-in page that no longer shows the user signed in: "Sign out") or the
# import did. The import is saved: run it on a copy of the database.
#
#   scripts/loadtest.sh            # the database DATABASE_URL names, or db.sqlite3
#
# The database must hold at least one published record and a user who signs in with
# a password alone (make run's demo has both: officer, password demo). For make
# bench's bulk data, whose users have no password, give one to a member of staff and
# name them: LOADTEST_USER=officer.1 LOADTEST_PASSWORD=… scripts/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LOADTEST_SECONDS:-60}
port=${LOADTEST_PORT:-8765}
workers=${LOADTEST_WORKERS:-$(( $(nproc) * 2 + 1 ))}
connections=${LOADTEST_CONNECTIONS:-10}
user=${LOADTEST_USER:-officer}
password=${LOADTEST_PASSWORD:-demo}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
export DEBUG=0 SECRET_KEY=loadtest-$RANDOM-$RANDOM-$RANDOM-not-a-deployment-key
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$work/static LOG_LEVEL=WARNING CONN_MAX_AGE=${CONN_MAX_AGE:-60}
.venv/bin/python manage.py collectstatic --no-input -v 0

.venv/bin/gunicorn pcc_grants.wsgi --bind "127.0.0.1:$port" --workers "$workers" \
  --access-logfile - --error-logfile "$work/gunicorn.log" > "$work/access.log" &
server=$!
# A job worker, for the import that runs as a background job during the load.
.venv/bin/python manage.py db_worker --queue-name '*' --no-reload --interval 0.5 \
  > "$work/worker.log" 2>&1 &
worker=$!
trap 'kill $server $worker 2>/dev/null; wait $server $worker 2>/dev/null; rm -rf "$work"' EXIT
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

# Sign in through the real form, as a browser does: the form's CSRF token, then the
# username and password. A user asked for a second factor is refused here.
jar=$work/cookies.txt
token=$(curl -fsS -c "$jar" -b "$jar" "$base/accounts/login/" |
  sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
landed=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
  -H "Referer: $base/accounts/login/" --data-urlencode "csrfmiddlewaretoken=$token" \
  --data-urlencode "username=$user" --data-urlencode "password=$password" \
  "$base/accounts/login/")
if [[ $landed != "302 $base/" ]]; then
  echo "signing in as $user did not reach the dashboard ($landed): LOADTEST_USER must" \
    "exist, have LOADTEST_PASSWORD and no second factor" >&2
  exit 1
fi
session=$(awk '$6 == "sessionid" { print $7 }' "$jar")
cookie="Cookie: sessionid=$session"
record=$(curl -fsS -H "$cookie" "$base/staff/decisions/" |
  grep -o 'href="/staff/decisions/[0-9]*/"' | head -n 1 | sed 's/href="\(.*\)"/\1/')
[[ -n $record ]] || { echo "no decision record is listed for $user" >&2; exit 1; }

# One stream per page: name, path, and whether it is signed in. A fourth signed-in
# stream (an import running as a background job, say) is one more line here; its
# figures then appear in the table and in bench/loadtest.json under its name.
streams=(
  "register /decisions/ public"
  "published_pdf $pdf public"
  "dashboard / staff"
  "allocations /funding/allocations/ staff"
  "decision_record $record staff"
)

# wrk counts only 4xx/5xx as failures; this counts every answer but 200, and, on the
# signed-in pages, every page that does not show the user signed in.
cat > "$work/check.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) marker = args[1]; failed = 0 end
function response(status, headers, body)
  if status ~= 200 or (marker and not string.find(body, marker, 1, true)) then
    failed = failed + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("failed") end
  io.write(string.format("Failed answers: %d\n", total))
end
LUA

for stream in "${streams[@]}"; do
  read -r name path access <<< "$stream"
  if [[ $access == staff ]]; then
    status=$(curl -sS -o "$work/$name.html" -w '%{http_code}' -H "$cookie" "$base$path")
    [[ $status == 200 ]] && grep -q "Sign out" "$work/$name.html" ||
      { echo "$path did not open signed in as $user ($status)" >&2; exit 1; }
  fi
done

clients=$(( connections * ${#streams[@]} ))
echo "gunicorn: $workers workers; wrk: $connections connections on each of" \
  "${#streams[@]} pages ($clients clients) for ${seconds}s, signed in as $user on the staff pages"
pids=()
for stream in "${streams[@]}"; do
  read -r name path access <<< "$stream"
  echo "  GET $path ($access)"
  headers=() marker=()
  [[ $access == staff ]] && headers=(-H "$cookie") marker=(-- "Sign out")
  wrk --threads 1 --connections "$connections" --duration "${seconds}s" --timeout 10s \
    --latency -s "$work/check.lua" "${headers[@]}" "$base$path" "${marker[@]}" \
    > "$work/$name.txt" &
  pids+=($!)
done
# Meanwhile, an import uploaded through its page and run by the worker as two jobs
# (its check, then the confirmed import). It imports for real: run the load test on
# a copy of the database (LOADTEST_IMPORT_ROWS=0 leaves it out).
import_rows=${LOADTEST_IMPORT_ROWS:-5000}
if [[ $import_rows -gt 0 ]]; then
  .venv/bin/python manage.py write_import_file "$import_rows" "$work/import.csv" \
    --new-every 0 > /dev/null
  echo "  an import of $import_rows allocations, run as background jobs"
  scripts/import_job.sh "$base" "$jar" "$work/import.csv" > "$work/import.txt" 2>&1 &
  importer=$!
fi
wait "${pids[@]}"
import_failed=0
if [[ $import_rows -gt 0 ]]; then
  wait "$importer" || import_failed=1
  sed 's/^/  import: /' "$work/import.txt"
fi
for stream in "${streams[@]}"; do
  read -r name path access <<< "$stream"
  cp "$work/$name.txt" "${LOADTEST_KEEP:-$work}/" 2>/dev/null || true
done

IMPORT_FAILED=$import_failed .venv/bin/python - "$work" "$workers" "$seconds" "$clients" "$user" "${streams[@]}" <<'PY'
import json
import re
import sys
from pathlib import Path

work, workers, seconds, clients, user, *streams = sys.argv[1:]


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
        "failed_answers": int(number(r"Failed answers: (\d+)")),
        "socket_errors": errors,
    }


results = {
    "workers": int(workers),
    "seconds": int(seconds),
    "clients": int(clients),
    "signed_in_as": user,
}
imported = Path(work, "import.txt")
if imported.exists():
    results["import_job"] = imported.read_text().splitlines()
for stream in streams:
    name, path, access = stream.split()
    results[name] = {"path": path, "signed_in": access == "staff", **read(f"{work}/{name}.txt")}
Path("bench").mkdir(exist_ok=True)
Path("bench/loadtest.json").write_text(json.dumps(results, indent=2) + "\n")
print(f"{'page':<18}{'requests':>10}{'req/s':>10}{'p50':>10}{'p99':>10}{'errors':>8}")
total_errors, empty = 0, []
for stream in streams:
    name = stream.split()[0]
    row = results[name]
    # A non-2xx/3xx answer is a failed answer too: the larger count covers both.
    errors = max(row["non_2xx_3xx"], row["failed_answers"]) + row["socket_errors"]
    total_errors += errors
    if not row["requests"]:
        empty.append(name)
    print(
        f"{name:<18}{row['requests']:>10}{row['requests_per_second']:>10.1f}"
        f"{row['latency_p50']:>10}{row['latency_p99']:>10}{errors:>8}"
    )
print("written to bench/loadtest.json")
import os  # noqa: E402

if os.environ.get("IMPORT_FAILED") == "1":
    total_errors += 1
    print("the import running as a background job failed")
if total_errors or empty:
    sys.exit(f"FAIL: {total_errors} failed request(s); no request answered: {empty or 'none'}")
PY
