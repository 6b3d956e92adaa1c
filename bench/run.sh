#!/usr/bin/env bash
# The actorgate benchmark in one command: installs what is missing, builds
# Release into build-release, starts the backend, the gateway and the
# baselines (plain Beast, nginx, direct Thrift) on 127.0.0.1, runs every
# scenario, and writes bench/results/<date>.md, <date>-raw.txt and
# <date>-latency.png. Any error, timeout or non-2xx answer fails it.
#
#   bench/run.sh                  3 runs x 5 s per figure (about 20 minutes)
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
# A full run never replaces an earlier day's result of the same date: the
# second of a day is <date>-2.*, and so on. (A --quick run replaces its own.)
if [[ -z $SUFFIX ]]; then
  n=1
  while [[ -e $OUT/$DATE$SUFFIX.md || -e $OUT/$DATE$SUFFIX-raw.txt ]]; do
    n=$((n + 1))
    SUFFIX=-$n
  done
fi
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
# "How cost grows": idle connections held at 1,000, CONNECTIONS and 30,000.
# One process holds them all, so 30,000 needs an open-file limit above it; a
# lower hard limit (a container without CAP_SYS_RESOURCE cannot raise it)
# takes the largest thousand that fits with 1,000 descriptors to spare, and
# the page says so.
HOLD_WANTED=30000
HOLD_TOP=$(( ($(ulimit -n) - 1000) / 1000 * 1000 ))
((HOLD_TOP > HOLD_WANTED)) && HOLD_TOP=$HOLD_WANTED
GROWTH_HOLDS=(1000 "$CONNECTIONS")
((HOLD_TOP > CONNECTIONS)) && GROWTH_HOLDS+=("$HOLD_TOP")
((HOLD_TOP >= HOLD_WANTED)) ||
  say "open-file limit $(ulimit -n) (hard $(ulimit -Hn)): idle connections held up to $HOLD_TOP, not $HOLD_WANTED"
# Active connections for /ping (wrk -c); wrk holds them in one process too.
ACTIVE=(64 1000 10000)

# Other load on the machine distorts every figure; wait a little for it.
BUSY_AT_START=$(busy_percent 2)
for _ in $(seq 10); do
  ((BUSY_AT_START <= 15)) && break
  say "machine is ${BUSY_AT_START}% busy with other processes; waiting"
  sleep 5
  BUSY_AT_START=$(busy_percent 2)
done
((BUSY_AT_START <= 15)) || say "WARNING: machine still ${BUSY_AT_START}% busy; figures will be noisy"

# How long the host stops a busy virtual CPU, with one CPU busy and with all:
# the floor under the tail latency of the scenarios that keep every CPU busy.
stall_probe() {
  local threads=$1 line s0 s1 a0 a1
  read -r s0 a0 < <(steal_and_all_ticks)
  line=$(timeout --kill-after=5 60 "$BIN/bench/stall-probe" "--threads=$threads" --seconds=5) ||
    fail "stall-probe --threads=$threads failed"
  read -r s1 a1 < <(steal_and_all_ticks)
  echo "scenario=stall-probe-$threads run=1 $line steal_pct=$(stolen_pct "$s0" "$a0" "$s1" "$a1")" >>"$RAW"
}
stall_probe 1
(($(nproc) > 1)) && stall_probe "$(nproc)"

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
start_listening plain-ws-echo-server "$LOGS/ws-beast.log" "$BIN/bench/plain-ws-echo-server" 127.0.0.1 0
WSBEAST_PID=$LISTEN_PID WSBEAST_PORT=$LISTEN_PORT
start_nginx "$LOGS/nginx"
NGINX=http://127.0.0.1:$NGINX_PORT
say "backend :$BACKEND_PORT, gateway $GW, plain Beast $BEAST, nginx $NGINX"

# Backends of the "How cost grows" section, idle unless asked: four for /echo
# over four endpoints, and one with threads for a pool of 64 (+ 32 spare, as
# thrift-load's share on the first). The gateways that use them are started
# per round (below), so no extra gateway idles through the other scenarios.
ECHO4_PIDS="" ECHO4_ENDPOINTS=""
for i in 1 2 3 4; do
  start_listening "compute-backend $i" "$LOGS/backend-$i.log" "$BIN/apps/compute-backend" "--config-file=$CONFIG"
  ECHO4_PIDS+="${ECHO4_PIDS:+ }$LISTEN_PID"
  ECHO4_ENDPOINTS+="${ECHO4_ENDPOINTS:+,}127.0.0.1:$LISTEN_PORT"
done
ECHO4_FIRST_PORT=${ECHO4_ENDPOINTS%%,*}
ECHO4_FIRST_PORT=${ECHO4_FIRST_PORT##*:}
start_listening "compute-backend (96 threads)" "$LOGS/backend-96.log" "$BIN/apps/compute-backend" \
  "--config-file=$CONFIG" --compute-server.threads=96
POOL64_BACKEND_PID=$LISTEN_PID POOL64_BACKEND_PORT=$LISTEN_PORT

# TLS: a self-signed EC P-256 certificate for 127.0.0.1, made for this run.
TLS_DIR=$LOGS/tls
make_test_cert "$TLS_DIR"
TLS_CERT=$TLS_DIR/cert.pem TLS_KEY=$TLS_DIR/key.pem

expect_body "$GW/ping" pong
expect_body "$GW/echo?msg=hello" '{"msg":"hello"}'
expect_body "$GW/work?us=200" '{"checksum":'
expect_body "$GW/rpc/echo" '"hello"' '{"msg":"hello"}'
expect_body "$BEAST/ping" pong
expect_body "$NGINX/ping" pong

# ---- scenarios ----------------------------------------------------------------

# start_gateway NAME ARGS...: one more actorgate-server (bench.ini + ARGS),
# started for one round's scenarios; sets LISTEN_PID, LISTEN_PORT. Its [idl]
# is off ("" file): only the main gateway serves /rpc.
start_gateway() {
  local name=$1
  shift
  start_listening "actorgate-server ($name)" "$LOGS/gateway-$name-$run.log" \
    "$BIN/apps/actorgate-server" "--config-file=$CONFIG" --idl.file= "$@"
}

# tls_runs RUN: a second gateway with --http.tls-cert/--http.tls-key and a
# second nginx with the same pair (ssl_protocols TLSv1.2 TLSv1.3), both fresh
# this round; wrk over https, keep-alive, 64 connections. In the first round
# the TLS version and cipher a default OpenSSL client gets from each are
# recorded (wrk is such a client), and must be the same.
tls_runs() {
  local run=$1 gw_pid gw ng_pids ng gw_tls ng_tls
  local NGINX_PIDS NGINX_PORT # start_nginx sets these; the main nginx's stay
  start_gateway tls "--backend.port=$BACKEND_PORT" "--http.tls-cert=$TLS_CERT" "--http.tls-key=$TLS_KEY"
  gw_pid=$LISTEN_PID gw=https://127.0.0.1:$LISTEN_PORT
  start_nginx "$LOGS/nginx-tls-$run" 10240 "$TLS_CERT" "$TLS_KEY"
  ng_pids=$NGINX_PIDS ng=https://127.0.0.1:$NGINX_PORT
  expect_body "$gw/ping" pong
  expect_body "$gw/echo?msg=hello" '{"msg":"hello"}'
  expect_body "$ng/ping" pong
  if ((run == 1)); then
    gw_tls=$(tls_session "${gw##*:}")
    ng_tls=$(tls_session "${ng##*:}")
    [[ $gw_tls == "$ng_tls" ]] || fail "TLS differs: gateway $gw_tls, nginx $ng_tls"
    echo "scenario=tls-session run=$run gw_tls=${gw_tls// //} nginx_tls=${ng_tls// //}" >>"$RAW"
  fi
  FRESH=1 http_run gw-tls-ping-64 "$run" 64 "$gw_pid" "$gw/ping"
  FRESH=1 http_run nginx-tls-ping-64 "$run" 64 "$ng_pids" "$ng/ping"
  FRESH=1 http_run gw-tls-echo-64 "$run" 64 "$gw_pid" "$gw/echo?msg=hello"
  stop_started "${ng_pids%% *}"
  stop_started "$gw_pid"
}

# ws_runs RUN: WebSocket echo at 64 connections, one message in flight each:
# the plain Beast WebSocket echo (the ceiling), the gateway's /ws/echo (each
# message a Thrift echo() through the pool, in order per connection), and
# the memory of 1,000 idle WebSockets on a fresh gateway.
ws_runs() {
  local run=$1
  ws_run ws-beast-echo-64 "$run" 64 "$WSBEAST_PID" "$WSBEAST_PORT" /
  ws_run gw-ws-echo-64 "$run" 64 "$GW_PID" "${GW##*:}" /ws/echo
  HOLD_WS_PATH=/ws/echo hold_run gw-ws-hold "$run" 1000
}

# io_threads_runs RUN: /ping on a gateway with --http.io-threads=2 (bench.ini
# has 1: the main gateway's gw-ping-64 and gw-ping-1000 are the baseline). Its
# backend pool idles on backend 1.
io_threads_runs() {
  local run=$1 pid url
  start_gateway io2 --http.io-threads=2 "--backend.port=$ECHO4_FIRST_PORT"
  pid=$LISTEN_PID url=http://127.0.0.1:$LISTEN_PORT/ping
  expect_body "$url" pong
  FRESH=1 http_run gw-io2-ping-64 "$run" 64 "$pid" "$url"
  FRESH=1 http_run gw-io2-ping-1000 "$run" 1000 "$pid" "$url"
  stop_started "$pid"
}

# echo_endpoints_runs RUN: /echo with the pool (pool-size workers, each with
# a connection to every endpoint) over four backends; baseline gw-echo-64 (one).
echo_endpoints_runs() {
  local run=$1 pid url
  start_gateway echo4 "--backend.endpoints=$ECHO4_ENDPOINTS"
  pid=$LISTEN_PID url="http://127.0.0.1:$LISTEN_PORT/echo?msg=hello"
  expect_body "$url" '{"msg":"hello"}'
  RUN_BACKEND_PIDS=$ECHO4_PIDS FRESH=1 http_run gw-echo4-64 "$run" 64 "$pid" "$url"
  stop_started "$pid"
}

# pool64_runs RUN: /echo with --backend.pool-size=64 against the 96-thread
# backend; baseline gw-echo-64 (pool-size 8).
pool64_runs() {
  local run=$1 pid url
  start_gateway pool64 "--backend.port=$POOL64_BACKEND_PORT" --backend.pool-size=64
  pid=$LISTEN_PID url="http://127.0.0.1:$LISTEN_PORT/echo?msg=hello"
  expect_body "$url" '{"msg":"hello"}'
  RUN_BACKEND_PIDS=$POOL64_BACKEND_PID FRESH=1 http_run gw-echo-pool64-64 "$run" 64 "$pid" "$url"
  stop_started "$pid"
}

# routes_runs RUN: /ping of many-routes-server (the gateway facade, bench.ini,
# /ping as in actorgate-server) with 10 and with 1,000 other routes.
routes_runs() {
  local run=$1 n pid url
  for n in 10 1000; do
    start_listening "many-routes-server ($n)" "$LOGS/routes-$n-$run.log" \
      "$BIN/bench/many-routes-server" "--routes=$n" "--config-file=$CONFIG" --idl.file=
    pid=$LISTEN_PID url=http://127.0.0.1:$LISTEN_PORT/ping
    expect_body "$url" pong
    expect_body "http://127.0.0.1:$LISTEN_PORT/r$((n - 1))/7" "item 7"
    FRESH=1 http_run "gw-routes$n-ping-64" "$run" 64 "$pid" "$url"
    stop_started "$pid"
  done
}

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
  tls_runs "$run"
  ws_runs "$run"
  for c in "${ACTIVE[@]:1}"; do
    http_run "gw-ping-$c" "$run" "$c" "$GW_PID" "$GW/ping"
    http_run "nginx-ping-$c" "$run" "$c" "$NGINX_PIDS" "$NGINX/ping"
  done
  io_threads_runs "$run"
  echo_endpoints_runs "$run"
  pool64_runs "$run"
  routes_runs "$run"
  hold_run gw-hold "$run" "$CONNECTIONS"
  nginx_hold_run nginx-hold "$run" "$CONNECTIONS"
  for c in "${GROWTH_HOLDS[@]}"; do
    [[ $c == "$CONNECTIONS" ]] && continue
    hold_run "gw-hold-$c" "$run" "$c"
    nginx_hold_run "nginx-hold-$c" "$run" "$c"
  done
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
