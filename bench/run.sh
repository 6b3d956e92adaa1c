#!/usr/bin/env bash
# The actorgate benchmark in one command: installs what is missing, builds
# Release into build-release, starts the backend, the gateway and the
# baselines (plain Beast, nginx, direct Thrift) on 127.0.0.1, runs every
# scenario, and writes bench/results/<date>.md, <date>-raw.txt and
# <date>-latency.png. Any error, timeout or non-2xx answer fails it.
#
#   bench/run.sh                  3 runs x 5 s per figure (about 10 minutes)
#   bench/run.sh --quick          1 run x 2 s, a smoke test (<date>-quick.*)
#   bench/run.sh --runs=5 --duration=10 --hold=10 --connections=10000 --warmup=1
#   bench/run.sh --no-build       use build-release as it is
#
# Run nothing else on the machine meanwhile: the servers and load generators
# share its cores. See bench/README.md for what each scenario means.
set -euo pipefail
cd "$(dirname "$0")/.."
LIB=bench/lib
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/procs.sh
source "$LIB/procs.sh"
# shellcheck source=lib/load.sh
source "$LIB/load.sh"
# shellcheck source=lib/report.sh
source "$LIB/report.sh"

RUNS=3 DURATION=5 WARMUP=1 HOLD=10 CONNECTIONS=10000 SUFFIX="" BUILD=1
REQUEST_PATH_REQUESTS=200000
ARGS_TEXT=""
for a in "$@"; do
  ARGS_TEXT+=" $a"
  case $a in
    --quick) RUNS=1 DURATION=2 HOLD=3 REQUEST_PATH_REQUESTS=50000 SUFFIX=-quick ;;
    --runs=*) RUNS=${a#*=} ;;
    --duration=*) DURATION=${a#*=} ;;
    --warmup=*) WARMUP=${a#*=} ;;
    --hold=*) HOLD=${a#*=} ;;
    --connections=*) CONNECTIONS=${a#*=} ;;
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$a' (see --help)" ;;
  esac
done
for v in RUNS DURATION WARMUP HOLD CONNECTIONS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || fail "--${v,,} must be a whole number, got '${!v}'"
done
((RUNS >= 1 && DURATION >= 1 && HOLD >= 1)) || fail "--runs, --duration and --hold must be at least 1"

BIN=build-release
CONFIG=bench/bench.ini
LUA=$LIB/report.lua
POOL=$(ini_value "$CONFIG" backend pool-size)
DATE=$(date +%F)
OUT=bench/results
REPORT=$OUT/$DATE$SUFFIX.md
FINAL_RAW=$OUT/$DATE$SUFFIX-raw.txt
PLOT=$OUT/$DATE$SUFFIX-latency.png
# Written as .tmp (ignored by git) until the benchmark has passed.
RAW=$FINAL_RAW.tmp
LOGS=$(mktemp -d /tmp/actorgate-bench.XXXXXX)
MED=$LOGS/medians.txt
mkdir -p "$OUT"
: >"$RAW"

on_exit() {
  local rc=$?
  stop_all
  if ((rc == 0)); then
    rm -rf "$LOGS"
  else
    say "logs kept in $LOGS; per-run data so far in $RAW"
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ---- set-up -------------------------------------------------------------------

install_missing() {
  local missing=() p sudo=""
  for p in wrk nginx-light gnuplot-nox curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_missing
if ((BUILD)); then
  say "building Release into $BIN"
  BUILD_DIR=$BIN BUILD_TYPE=Release CMAKE_ARGS="-DBUILD_TESTING=OFF" scripts/setup.sh >"$LOGS/build.log" 2>&1 ||
    fail "build failed: $(tail -n 20 "$LOGS/build.log")"
fi

# The gateway holds CONNECTIONS sockets in the 10k test; children inherit this.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) >= CONNECTIONS + 512)) ||
  fail "open-file limit is $(ulimit -n) (hard $(ulimit -Hn)); the gateway needs $((CONNECTIONS + 512))"

# Other load on the machine distorts every figure; wait a little for it.
BUSY_AT_START=$(busy_percent 2)
for _ in $(seq 10); do
  ((BUSY_AT_START <= 15)) && break
  say "machine is ${BUSY_AT_START}% busy with other processes; waiting"
  sleep 5
  BUSY_AT_START=$(busy_percent 2)
done
((BUSY_AT_START <= 15)) || say "WARNING: machine still ${BUSY_AT_START}% busy; figures will be noisy"

# ---- servers ------------------------------------------------------------------

start_listening compute-backend "$LOGS/backend.log" "$BIN/apps/compute-backend" "--config-file=$CONFIG"
BACKEND_PID=$LISTEN_PID BACKEND_PORT=$LISTEN_PORT
start_listening actorgate-server "$LOGS/gateway.log" "$BIN/apps/actorgate-server" \
  "--config-file=$CONFIG" "--backend.port=$BACKEND_PORT" "--idl.port=$BACKEND_PORT"
GW_PID=$LISTEN_PID
GW=http://127.0.0.1:$LISTEN_PORT
start_listening plain-beast-server "$LOGS/beast.log" "$BIN/bench/plain-beast-server" 127.0.0.1 0
BEAST_PID=$LISTEN_PID
BEAST=http://127.0.0.1:$LISTEN_PORT
start_nginx "$LOGS/nginx"
NGINX=http://127.0.0.1:$NGINX_PORT
say "backend :$BACKEND_PORT, gateway $GW, plain Beast $BEAST, nginx $NGINX"

expect_body "$GW/ping" pong
expect_body "$GW/echo?msg=hello" '{"msg":"hello"}'
expect_body "$GW/work?us=200" '{"checksum":'
expect_body "$GW/rpc/echo" '"hello"' '{"msg":"hello"}'
expect_body "$BEAST/ping" pong
expect_body "$NGINX/ping" pong

# ---- scenarios ----------------------------------------------------------------

# Every scenario once per round, rounds repeated: slow drift of the machine
# spreads over all scenarios instead of favouring whichever ran first.
for run in $(seq "$RUNS"); do
  say "round $run of $RUNS"
  http_run beast-ping-64 "$run" 64 "$BEAST_PID" "$BEAST/ping"
  http_run beast-ping-4 "$run" 4 "$BEAST_PID" "$BEAST/ping"
  http_run nginx-ping-64 "$run" 64 "$NGINX_PIDS" "$NGINX/ping"
  http_run nginx-ping-4 "$run" 4 "$NGINX_PIDS" "$NGINX/ping"
  http_run gw-ping-64 "$run" 64 "$GW_PID" "$GW/ping"
  http_run gw-ping-4 "$run" 4 "$GW_PID" "$GW/ping"
  direct_run direct-echo "$run" "$POOL" --call=echo --msg=hello
  http_run gw-echo-64 "$run" 64 "$GW_PID" "$GW/echo?msg=hello"
  http_run gw-echo-4 "$run" 4 "$GW_PID" "$GW/echo?msg=hello"
  # The same call transcoded from the IDL alone ([idl]): POST /rpc/echo.
  export WRK_BODY='{"msg":"hello"}'
  http_run gw-rpc-echo-64 "$run" 64 "$GW_PID" "$GW/rpc/echo"
  unset WRK_BODY
  direct_run direct-work200 "$run" "$POOL" --call=work --us=200
  http_run gw-work200-64 "$run" 64 "$GW_PID" "$GW/work?us=200"
  http_run gw-work200-4 "$run" 4 "$GW_PID" "$GW/work?us=200"
  # /work again with the backend on a core of its own, as where it runs on
  # other hosts: what the gateway costs a CPU-bound backend when it does not
  # share the backend's cores.
  if ((${#ALLOWED_CPUS[@]} >= 2)); then
    split_cores on
    direct_run direct-work200-split "$run" "$POOL" --call=work --us=200
    http_run gw-work200-split "$run" 64 "$GW_PID" "$GW/work?us=200"
    split_cores off
  fi
  mixed_run nginx-mixed-ping-4 direct-mixed-work20000 "$run" "$NGINX_PIDS" "$NGINX/ping" 32 \
    "$BIN/bench/thrift-load" "--port=$BACKEND_PORT" --threads=32 --call=work --us=20000 \
    "--duration=$((DURATION + 2))"
  # The same baseline with the backend as busy as the gateway makes it: its
  # pool keeps only POOL calls running, and fewer runnable backend threads
  # means shorter scheduling delays for everything else on the cores.
  mixed_run nginx-mixed8-ping-4 direct-mixed8-work20000 "$run" "$NGINX_PIDS" "$NGINX/ping" "$POOL" \
    "$BIN/bench/thrift-load" "--port=$BACKEND_PORT" "--threads=$POOL" --call=work --us=20000 \
    "--duration=$((DURATION + 2))"
  wrk_cmd 32 $((DURATION + 2)) "$GW/work?us=20000"
  mixed_run gw-mixed-ping-4 gw-mixed-work20000-32 "$run" "$GW_PID" "$GW/ping" 32 "${WRK[@]}"
  hold_run "$run"
  alive "the gateway" "$GW_PID"
  alive "the backend" "$BACKEND_PID"
done

stop_all
for run in $(seq "$RUNS"); do
  request_path_run "$run"
done

# ---- results ------------------------------------------------------------------

mv "$RAW" "$FINAL_RAW"
RAW=$FINAL_RAW
write_report "$DATE"
write_plot
say "done: $REPORT"
sed -n '/^## Ratios/,/^Composed/p' "$REPORT" | sed '$d'
