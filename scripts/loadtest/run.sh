#!/usr/bin/env bash
# make loadtest: the app under gunicorn with production settings (DEBUG off, whitenoise,
# collected static files) on a throwaway PostgreSQL database holding the demo data with
# Sofia's Action Table scaled up, driven by locust headless on 127.0.0.1 for a bounded time.
# Exits non-zero on any failed request or 5xx. Everything it creates is removed at the end.
#
# Environment: DURATION (seconds, 60), USERS (20), ACTIONS (rows in Sofia's table, 300),
# WORKERS (gunicorn workers, 4), LOADTEST_PG_URL (the PostgreSQL server,
# postgres://postgres@127.0.0.1:5432), PY (.venv/bin/python), LOCUST (.venv-load/bin/locust).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-60}
USERS=${USERS:-20}
ACTIONS=${ACTIONS:-300}
WORKERS=${WORKERS:-4}
PG_URL=${LOADTEST_PG_URL:-postgres://postgres@127.0.0.1:5432}
PY=${PY:-.venv/bin/python}
LOCUST=${LOCUST:-.venv-load/bin/locust}
GUNICORN=$(dirname "$PY")/gunicorn
DB="csr_load_$$_$(date +%s)"
WORK=$(mktemp -d)
GUNICORN_PID=""
DB_CREATED=""

psql_server() {
    PGOPTIONS="-c client_min_messages=warning" psql "$PG_URL/postgres" -v ON_ERROR_STOP=1 -q "$@"
}

cleanup() {
    local status=$?
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    if [[ -n "$DB_CREATED" ]]; then
        psql_server -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

echo "==> throwaway database $DB on ${PG_URL#*@}"
psql_server -c "CREATE DATABASE \"$DB\""
DB_CREATED=1
export DATABASE_URL="$PG_URL/$DB"

# The demo users (password 'demo') exist only with DEBUG on; the server below runs with it off.
DEBUG=true "$PY" manage.py migrate --noinput -v 0
DEBUG=true "$PY" manage.py load_demo >/dev/null
DEBUG=true "$PY" scripts/loadtest/prepare.py --actions "$ACTIONS" --out "$WORK/targets.json"

# Production settings, except that the plain-HTTP client cannot send Secure cookies back.
export DEBUG=false
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false
export SESSION_COOKIE_SECURE=false
export CSRF_COOKIE_SECURE=false
export STATIC_ROOT="$WORK/static"
"$PY" manage.py collectstatic --noinput -v 0

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
echo "==> gunicorn ($WORKERS workers) on $URL"
# gunicorn trusts X-Forwarded-Proto from the addresses it is given (127.0.0.1 by
# default) whatever the app's TRUST_X_FORWARDED_PROTO says: here no proxy, so none.
export TRUST_X_FORWARDED_PROTO=false
"$GUNICORN" cities4csr.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --forwarded-allow-ips "" \
    --access-logfile "$WORK/access.log" --error-logfile "$WORK/error.log" --capture-output &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
    if "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "$URL/accounts/login/" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then
        echo "gunicorn stopped:" >&2
        cat "$WORK/error.log" >&2
        exit 1
    fi
    sleep 0.5
done

echo "==> locust: $USERS users for ${DURATION}s"
status=0
LOADTEST_TARGETS="$WORK/targets.json" "$LOCUST" -f scripts/loadtest/locustfile.py --headless \
    --users "$USERS" --spawn-rate "$USERS" --run-time "${DURATION}s" --stop-timeout 10 \
    --host "$URL" --only-summary --loglevel WARNING || status=$?

# The server's own view: a 5xx that locust might have missed, and what it logged.
server_errors=$(awk '$9 ~ /^5[0-9][0-9]$/' "$WORK/access.log" | wc -l)
echo "gunicorn answered $(wc -l <"$WORK/access.log") requests, $server_errors with a 5xx."
if ((server_errors > 0)) || grep -q "Traceback" "$WORK/error.log"; then
    echo "Server errors (gunicorn's error log):" >&2
    tail -n 40 "$WORK/error.log" >&2
    status=1
fi
exit "$status"
