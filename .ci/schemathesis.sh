#!/usr/bin/env bash
# Fuzz the live API against its own OpenAPI schema (issue 5): a throwaway PostgreSQL database with a
# small demo, the app under gunicorn with production-like settings, then schemathesis as an
# administrator's and an officer's write token. Fails on any server error or schema violation.
# Leaves nothing in the repository: schemathesis runs from a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

DB_NAME=caseline_schemathesis
PG_URL=postgres://postgres@127.0.0.1:5432
export PGOPTIONS="-c client_min_messages=warning"
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-100}  # about 7,000 cases per token, 4-5 minutes for both on 2 cores
PASSWORD=schemathesis-$RANDOM$RANDOM

work=$(mktemp -d)
server_pid=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

port=$("$repo/.venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

# Production-like: DEBUG off, a real secret, PostgreSQL, Redis, static files collected (the HTML 404
# page of an unknown URL needs the manifest). The API throttles are raised so the fuzzer is not
# answered 429 for most of its cases; 2FA is a browser matter.
export DEBUG=false
export SECRET_KEY=schemathesis-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DATABASE_URL=$PG_URL/$DB_NAME
export REDIS_URL=redis://127.0.0.1:6379/3
export CELERY_BROKER_URL=redis://127.0.0.1:6379/3
export CACHE_URL=redis://127.0.0.1:6379/3
export CASELINE_REQUIRE_2FA=false
export EMAIL_URL=consolemail://
export API_THROTTLE_TOKEN=1000000/minute
export API_THROTTLE_USER=1000000/minute
export API_THROTTLE_ANON=1000000/minute
export API_THROTTLE_SEARCH=1000000/minute
export LOG_LEVEL=WARNING
export STATIC_ROOT=$work/static

manage() { "$repo/.venv/bin/python" "$repo/manage.py" "$@"; }

echo "throwaway database $DB_NAME"
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB_NAME" >/dev/null
redis-cli -n 3 flushdb >/dev/null
manage migrate --noinput -v 0
manage seed_demo --offenders 40 --password "$PASSWORD" >/dev/null
manage collectstatic --noinput -v 0 || { echo "collectstatic failed (the deployment runs it too)"; exit 1; }
admin_token=$(manage create_api_token admin --scope write --label schemathesis 2>/dev/null | tail -n 1)
officer_token=$(manage create_api_token officer --scope write --label schemathesis 2>/dev/null | tail -n 1)
[ -n "$admin_token" ] && [ -n "$officer_token" ] || { echo "could not issue the API tokens"; exit 1; }

echo "gunicorn on $base"
"$repo/.venv/bin/gunicorn" agency.wsgi:application --chdir "$repo" --bind "127.0.0.1:$port" \
  --workers 2 --timeout 60 --log-level warning --error-logfile "$work/gunicorn.log" &
server_pid=$!
for _ in $(seq 60); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "gunicorn exited"; cat "$work/gunicorn.log"; exit 1; }
  sleep 0.5
done
curl -fsS "$base/healthz" >/dev/null || { echo "/healthz never answered"; cat "$work/gunicorn.log"; exit 1; }

failed=0
summary=()
run_as() {
  local who=$1 token=$2 started ended rc cases failures
  mkdir -p "$work/$who"
  started=$(date +%s)
  set +e
  (cd "$work/$who" && "$repo/.venv/bin/schemathesis" run "$base/api/schema/" --url "$base" \
    -H "Authorization: Token $token" \
    --checks not_a_server_error,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" --workers 2 --seed 5 \
    --generation-database none --no-color) >"$work/$who/out.txt" 2>&1
  rc=$?
  set -e
  ended=$(date +%s)
  cat "$work/$who/out.txt"
  cases=$(grep -Eo '[0-9]+ generated' "$work/$who/out.txt" | grep -Eo '[0-9]+' | paste -sd+ | bc 2>/dev/null || true)
  failures=$(grep -Eo '[0-9]+ failures?' "$work/$who/out.txt" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
  summary+=("$who token: ${cases:-?} cases, ${failures:-0} failures, exit $rc, $((ended - started)) s")
  [ "$rc" -eq 0 ] || failed=1
}
run_as admin "$admin_token"
run_as officer "$officer_token"

if grep -Eq ' (ERROR|CRITICAL) ' "$work/gunicorn.log" 2>/dev/null; then
  echo "gunicorn logged errors:"; cat "$work/gunicorn.log"
fi
echo
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "schemathesis found server errors or schema violations"
  exit 1
fi
echo "schemathesis: no server error, no schema violation"
