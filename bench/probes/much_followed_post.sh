#!/usr/bin/env bash
# Post N text notes as one member of a simulated community, one after another, and print each
# request's time in milliseconds (docs/decisions.md, "Much-followed members fan out in a job").
#
#   bench/probes/much_followed_post.sh http://127.0.0.1:8080 HANDLE [N] [PASSWORD]
#
# The most-followed member of a SQLite community:
#   sqlite3 -readonly data/notebridge.db \
#     "SELECT handle FROM accounts ORDER BY followers_count DESC LIMIT 1"
set -euo pipefail
base=$1 handle=$2 n=${3:-12} password=${4:-notebridge-demo}
field() { python3 -c "import sys, json; print(json.load(sys.stdin)['$1'])"; }
app=$(curl -sf -X POST "$base/api/v1/apps" -d client_name=probe \
  -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d scopes="read write")
token=$(curl -sf -X POST "$base/oauth/token" -d grant_type=password \
  -d client_id="$(field client_id <<<"$app")" -d client_secret="$(field client_secret <<<"$app")" \
  -d username="$handle" -d password="$password" -d scope="read write" | field access_token)
for i in $(seq 1 "$n"); do
  curl -sf -o /dev/null -w '%{time_total}\n' -X POST "$base/api/v1/statuses" \
    -H "Authorization: Bearer $token" -d status="probe post $i" -d title="Today 今日"
done | awk '{ printf "%.1f ", $1 * 1000 } END { print "" }'
