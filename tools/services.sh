#!/usr/bin/env bash
# Start the action server and Rasa from the venv; stop them when this script ends.
#   tools/services.sh serve   Rasa on 127.0.0.1:5005 (HTTP API on) + actions on 127.0.0.1:5055, in the foreground
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
  $PY -m rasa_sdk --actions actions -p "$ACTION_PORT" &
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

start_servers --enable-api
wait -n "${pids[@]}"
