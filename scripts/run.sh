#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs the Compute backend and the
# gateway with config/actorgate.ini. Extra arguments go to the gateway, e.g.
#   scripts/run.sh --http.port=8081
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
CONFIG=${CONFIG:-config/actorgate.ini}

"$BUILD_DIR/apps/compute-backend" --config-file="$CONFIG" &
backend=$!
trap 'kill -TERM $backend 2>/dev/null; wait $backend 2>/dev/null' EXIT
# The gateway connects lazily, but start it once the backend listens so the
# first request does not race the backend's start-up.
for _ in $(seq 50); do
  kill -0 $backend 2>/dev/null || { echo "run: compute-backend did not start" >&2; exit 1; }
  (exec 3<>/dev/tcp/127.0.0.1/9090) 2>/dev/null && break
  sleep 0.1
done
"$BUILD_DIR/apps/actorgate-server" --config-file="$CONFIG" "$@" &
gateway=$!
trap 'kill -TERM $gateway $backend 2>/dev/null; wait $gateway $backend 2>/dev/null' EXIT INT TERM
echo "run: try  curl 'http://127.0.0.1:8080/echo?msg=hi'  (Ctrl-C stops both)"
wait $gateway
