#!/usr/bin/env bash
# make serve-prod: the production layout on this machine, against PostgreSQL and Redis.
#   action server       127.0.0.1:5055  (shared secret)
#   Rasa replica 1, 2   127.0.0.1:5006, 127.0.0.1:5007  (HTTP API with a token, locks in Redis)
#   load balancer       127.0.0.1:5005  (nuanxin.messaging.balancer: riders spread by sender)
#   Telegram bot        when TELEGRAM_TOKEN is set, talking to the balancer
# Settings (environment): DATABASE_URL (default: database `nuanxin` on 127.0.0.1:5432, created if missing),
# NUANXIN_REDIS_URL (default redis://127.0.0.1:6379/1), RASA_REPLICAS (2), SANIC_WORKERS per replica (1),
# RASA_API_TOKEN, NUANXIN_ACTION_SECRET, NUANXIN_FRONTEND_SECRET (else made once in var/).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SANIC_HOST=${SANIC_HOST:-127.0.0.1}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/nuanxin}
export NUANXIN_REDIS_URL=${NUANXIN_REDIS_URL:-redis://127.0.0.1:6379/1}
REPLICAS=${RASA_REPLICAS:-2}

$PY tools/create_database.py "$DATABASE_URL"
$PY -m nuanxin.prepare

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
wait_for() { for _ in $(seq 1 360); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "$1 did not answer" >&2; exit 1; }

token_file=var/rasa_api_token
if [ -z "${RASA_API_TOKEN:-}" ]; then
  [ -s "$token_file" ] || (umask 077 && $PY -c 'import secrets; print(secrets.token_urlsafe(24))' >"$token_file")
  RASA_API_TOKEN=$(cat "$token_file")
fi

$PY -m nuanxin.messaging.action_server -p 5055 &
pids+=($!)
wait_for http://127.0.0.1:5055/health
upstreams=()
for i in $(seq 1 "$REPLICAS"); do
  port=$((5005 + i))
  $PY -m nuanxin.nlu.cli run -m models/current.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
      --enable-api --auth-token="$RASA_API_TOKEN" -i "$SANIC_HOST" -p "$port" &
  pids+=($!)
  upstreams+=("http://127.0.0.1:$port")
done
for upstream in "${upstreams[@]}"; do wait_for "$upstream/"; done
$PY -m nuanxin.messaging.balancer -p 5005 "${upstreams[@]}" &
pids+=($!)
echo "暖新助手: http://127.0.0.1:5005 (${REPLICAS} Rasa replicas; HTTP API token in ${token_file} unless RASA_API_TOKEN)"
if [ -n "${TELEGRAM_TOKEN:-}" ]; then
  RASA_URL=http://127.0.0.1:5005 $PY -m bot &
  pids+=($!)
fi
wait -n "${pids[@]}"
