#!/usr/bin/env bash
# Start the action server and Rasa from the venv; stop them when this script ends.
#   tools/services.sh serve   Rasa on 127.0.0.1:5005 (HTTP API on, with a token) + actions on 127.0.0.1:5055, in the
#                             foreground
#   tools/services.sh chat    both in the background, logs in var/log/chat.log, and the terminal chat (terminal/)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ACTION_PORT=5055   # endpoints.yml points Rasa here
RASA_PORT=5005
export SANIC_HOST=127.0.0.1

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Both servers, logs to stdout/stderr of this script (redirected for the chat); Rasa starts once actions answer.
start_servers() {
  $PY -m nuanxin.messaging.action_server -p "$ACTION_PORT" &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:${ACTION_PORT}/health" >/dev/null && break
    sleep 0.5
  done
  $PY -m nuanxin.nlu.cli run -m models/current.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
      -i 127.0.0.1 -p "$RASA_PORT" "$@" &
  pids+=($!)
}

mkdir -p var/log
if [ "${1:-serve}" = chat ]; then
  # The screen is for the conversation; the servers write to the log. No HTTP API: the chat needs only the
  # REST channel.
  log=var/log/chat.log
  : >"$log"
  start_servers >>"$log" 2>&1
  echo "(服务日志：$log)"
  $PY -m terminal --rasa-url "http://127.0.0.1:${RASA_PORT}"
  exit
fi

# The HTTP API (trackers, parse, events) answers only with a token: RASA_API_TOKEN, else one made for this
# machine and kept in var/rasa_api_token (readable by this user only). The REST channel needs none.
token_file=var/rasa_api_token
if [ -z "${RASA_API_TOKEN:-}" ]; then
  if [ ! -s "$token_file" ]; then
    (umask 077 && $PY -c 'import secrets; print(secrets.token_urlsafe(24))' >"$token_file")
  fi
  RASA_API_TOKEN=$(cat "$token_file")
  echo "Rasa HTTP API token: $token_file (use ?token=…)"
fi
start_servers --enable-api --auth-token="$RASA_API_TOKEN"
wait -n "${pids[@]}"
