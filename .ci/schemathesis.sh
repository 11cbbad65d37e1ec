#!/usr/bin/env bash
# Fuzz the live API against its own OpenAPI schema, as an administrator's and an officer's write token.
# Fails on any server error or schema violation. Two configurations:
#   .ci/schemathesis.sh production   a throwaway database on the PostgreSQL server, a small demo, gunicorn
#                                    with production-like settings (DEBUG off, Redis, collected static files)
#   .ci/schemathesis.sh demo         exactly what `make run` starts (demo/run.py: the embedded PostgreSQL
#                                    server, DEBUG on, the filesystem broker, the demo data), in a
#                                    throwaway VAR_DIR; then stops it and checks that nothing is left
# Leaves nothing in the repository: schemathesis runs from a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mode=${1:-production}

DB_NAME=caseline_schemathesis
PG_URL=postgres://postgres@127.0.0.1:5432
export PGOPTIONS="-c client_min_messages=warning"
# About 7,000 cases per token at 100 (5 minutes per token on 2 cores); the demo configuration takes half.
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-100}
[ "$mode" = demo ] && MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-50}
PASSWORD=schemathesis-$RANDOM$RANDOM

work=$(mktemp -d)
server_pid=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$mode" = production ]; then
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

port=$("$repo/.venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
manage() { "$repo/.venv/bin/python" "$repo/manage.py" "$@"; }

# The API throttles are raised so the fuzzer is not answered 429 for most of its cases.
export API_THROTTLE_TOKEN=1000000/minute
export API_THROTTLE_USER=1000000/minute
export API_THROTTLE_ANON=1000000/minute
export API_THROTTLE_SEARCH=1000000/minute
export LOG_LEVEL=WARNING

if [ "$mode" = production ]; then
  # Production-like: DEBUG off, a real secret, PostgreSQL, Redis, static files collected (the HTML 404
  # page of an unknown URL needs the manifest); 2FA is a browser matter.
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
  export STATIC_ROOT=$work/static

  echo "throwaway database $DB_NAME"
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
  psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB_NAME" >/dev/null
  redis-cli -n 3 flushdb >/dev/null
  manage migrate --noinput -v 0
  manage grant_app_role caseline_app -v 0  # the server connects as the application role, as compose does
  manage seed_demo --offenders 40 --password "$PASSWORD" >/dev/null
  manage collectstatic --noinput -v 0 || { echo "collectstatic failed (the deployment runs it too)"; exit 1; }

  echo "gunicorn on $base"
  DATABASE_URL="postgres://caseline_app@127.0.0.1:5432/$DB_NAME" "$repo/.venv/bin/gunicorn" agency.wsgi:application --chdir "$repo" --bind "127.0.0.1:$port" \
    --workers 2 --timeout 60 --log-level warning --error-logfile "$work/server.log" &
  server_pid=$!
else
  # What `make run` runs, on a throwaway VAR_DIR (its own embedded server), with nothing of this
  # shell's configuration: no DATABASE_URL, no Redis, DEBUG on.
  unset DATABASE_URL REDIS_URL CELERY_BROKER_URL CACHE_URL SECRET_KEY DEBUG
  export VAR_DIR=$work/var
  echo "make run's configuration (demo/run.py) on $base, VAR_DIR=$VAR_DIR"
  "$repo/.venv/bin/python" -m demo.run --port "$port" --offenders 40 --password "$PASSWORD" >"$work/server.log" 2>&1 &
  server_pid=$!
  export DEBUG=true  # for manage.py below: the settings find the embedded server in VAR_DIR
fi

for _ in $(seq 240); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited"; cat "$work/server.log"; exit 1; }
  sleep 0.5
done
curl -fsS "$base/healthz" >/dev/null || { echo "/healthz never answered"; cat "$work/server.log"; exit 1; }
admin_token=$(manage create_api_token admin --scope write --label schemathesis 2>/dev/null | tail -n 1)
officer_token=$(manage create_api_token officer --scope write --label schemathesis 2>/dev/null | tail -n 1)
[ -n "$admin_token" ] && [ -n "$officer_token" ] || { echo "could not issue the API tokens"; exit 1; }

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

if grep -Eq ' (ERROR|CRITICAL) |Internal Server Error' "$work/server.log" 2>/dev/null; then
  echo "the server logged errors:"; grep -E -A20 ' (ERROR|CRITICAL) |Internal Server Error' "$work/server.log" | head -80
fi
if grep -q 'Internal Server Error' "$work/server.log" 2>/dev/null; then failed=1; fi
if [ "$mode" = demo ]; then
  # Stopped as a SIGTERM to make stops it: nothing may be left, the embedded server included.
  kill -TERM "$server_pid"
  wait "$server_pid" || { echo "demo/run.py exited with $? on SIGTERM"; failed=1; }
  server_pid=""
  if pgrep -f "$work/var" >/dev/null; then
    echo "left running after the demo stopped:"; pgrep -af "$work/var"; failed=1
  fi
fi
echo
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "schemathesis ($mode): server errors, schema violations or processes left running"
  exit 1
fi
echo "schemathesis ($mode): no server error, no schema violation"
