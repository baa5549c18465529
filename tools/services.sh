#!/usr/bin/env bash
# Start the action server (and, for `serve`, the Rasa HTTP server) from the venv; stop them when this script ends.
#   tools/services.sh serve   Rasa on 127.0.0.1:5005 + actions on 127.0.0.1:5055, in the foreground
#   tools/services.sh chat    actions in the background + an interactive Chinese chat in this terminal
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ACTION_PORT=5055   # endpoints.yml points Rasa here
RASA_PORT=5005
export SANIC_HOST=127.0.0.1

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mkdir -p var/log
if [ "${1:-serve}" = chat ]; then
  # Keep the chat screen for the conversation; the servers' logs go to var/log/.
  exec 3>&2 2>var/log/chat.log
fi
$PY -m rasa_sdk --actions actions -p "$ACTION_PORT" &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:${ACTION_PORT}/health" >/dev/null && break
  sleep 0.5
done

case "${1:-serve}" in
  serve)
    $PY -m nuanxin.rasa_cli run -m models/current.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
        --enable-api -i 127.0.0.1 -p "$RASA_PORT" &
    pids+=($!)
    wait -n "${pids[@]}"
    ;;
  chat)
    echo "暖新助手正在启动，稍候直接输入中文聊天（例如：你好 / 你能做什么 / 转人工），输入 /stop 退出。"
    echo "(server logs: var/log/chat.log)"
    $PY -m nuanxin.rasa_cli shell -m models/current.tar.gz --endpoints endpoints.yml -p "$RASA_PORT" --quiet
    ;;
esac
