#!/usr/bin/env bash
# Upload an allocations file through the import page, as a browser does, and follow
# its two background jobs: the check, then (confirmed) the import. Prints each job's
# time and rows per second; exits 1 if either failed or the import saved nothing.
#
#   scripts/import_job.sh BASE_URL COOKIE_JAR FILE.csv [--check-only]
#
# COOKIE_JAR holds a signed-in session (the load test's; scripts/import_100k.sh
# signs in itself). A db_worker must be running against the same database.
set -euo pipefail
base=$1 jar=$2 file=$3 only=${4:-}

csrf() { awk '$6 == "csrftoken" { print $7 }' "$jar"; }
wait_for() {  # a job's URL → its final status JSON, after it is over
  local url=$1 answer
  for _ in $(seq 3600); do
    answer=$(curl -fsS -b "$jar" "$base${url}status/")
    if [[ $answer == *'"over": true'* ]]; then echo "$answer"; return; fi
    sleep 0.5
  done
  echo "timed out waiting for $url" >&2; exit 1
}
rate() {  # seconds, rows → a line
  .venv/bin/python -c 'import sys; s, n = float(sys.argv[1]), int(sys.argv[2]); print(f"{s:.1f} s, {n / s:,.0f} rows/s")' "$1" "$2"
}

curl -fsS -c "$jar" -b "$jar" -o /dev/null "$base/funding/import/"
start=$(date +%s.%N)
job=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  -H "Referer: $base/funding/import/" -F "csrfmiddlewaretoken=$(csrf)" \
  -F kind=allocations -F "file=@$file;type=text/csv" "$base/funding/import/")
job=${job#"$base"}
[[ $job == /jobs/* ]] || { echo "the upload was not answered with a job ($job)" >&2; exit 1; }
answered=$(date +%s.%N)
checked=$(wait_for "$job")
done_at=$(date +%s.%N)
rows=$(.venv/bin/python -c 'import json,sys; print(json.loads(sys.argv[1])["total"] or 0)' "$checked")
echo "upload answered in $(.venv/bin/python -c "print(f'{$answered - $start:.2f}')") s with $job"
echo "check: $checked"
echo "check of $rows rows: $(rate "$(.venv/bin/python -c "print($done_at - $start)")" "$rows")"
[[ $checked == *'"status": "finished"'* ]] || exit 1
[[ $only == --check-only ]] && exit 0

key=${job#/jobs/} key=${key%/}
start=$(date +%s.%N)
run=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  -H "Referer: $base$job" --data-urlencode "csrfmiddlewaretoken=$(csrf)" \
  --data-urlencode "job=$key" "$base/funding/import/confirm/")
run=${run#"$base"}
[[ $run == /jobs/* && $run != "$job" ]] || { echo "the confirmation started no import ($run)" >&2; exit 1; }
imported=$(wait_for "$run")
done_at=$(date +%s.%N)
echo "import: $imported"
echo "import of $rows rows: $(rate "$(.venv/bin/python -c "print($done_at - $start)")" "$rows")"
page=$(curl -fsS -b "$jar" "$base$run")
grep -q "allocations imported from" <<< "$page" ||
  { echo "the import's page does not say it imported" >&2; exit 1; }
