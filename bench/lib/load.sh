# Load runs and what is recorded about them. Sourced by bench/run.sh, which
# sets BIN, LUA, LOGS, RAW, DURATION, WARMUP, HOLD, CONNECTIONS, BACKEND_PID
# and BACKEND_PORT.
#
# Every run appends one line to $RAW: "scenario=NAME run=N conns=C" + the load
# generator's own key=value line + the server's CPU and RSS around the run.

# wrk_cmd CONNS SECONDS URL: sets WRK. 4 connections are the latency runs:
# one wrk thread (less competition for the 2 cores) and --latency.
wrk_cmd() {
  local conns=$1 secs=$2 url=$3
  if ((conns <= 4)); then
    WRK=(wrk -t1 "-c$conns" "-d${secs}s" --timeout 5s --latency -s "$LUA" "$url")
  else
    WRK=(wrk -t2 "-c$conns" "-d${secs}s" --timeout 5s -s "$LUA" "$url")
  fi
}

# check_result SCENARIO RUN LINE: any error, timeout or non-2xx fails.
check_result() {
  local scen=$1 run=$2 line=$3 errors requests
  [[ -n $line ]] || fail "$scen run $run: the load generator printed no result line"
  errors=$(kv "$line" errors)
  requests=$(kv "$line" requests)
  [[ $errors == 0 ]] || fail "$scen run $run: $errors errors ($line)"
  [[ ${requests:-0} -gt 0 ]] || fail "$scen run $run: no request completed ($line)"
}

# measure SCENARIO RUN CONNS "SERVER_PIDS" CMD...: runs one load generator,
# bounded in time, and records its result with the server's CPU and memory.
measure() {
  local scen=$1 run=$2 conns=$3 pids=$4
  shift 4
  local log="$LOGS/$scen-$run.log" rc=0 line c0=0 c1=0 b0 b1 m0 m1 r0 r1 x0 x1 i0 i1 extra=""
  # shellcheck disable=SC2086
  if [[ -n $pids ]]; then c0=$(cpu_ticks $pids); fi
  b0=$(cpu_ticks "$BACKEND_PID")
  read_reaped r0
  m0=$(machine_ticks)
  x0=$(context_switches)
  i0=$(resched_ipis)
  timeout --kill-after=5 $((DURATION + 60)) "$@" >"$log" 2>&1 || rc=$?
  i1=$(resched_ipis)
  x1=$(context_switches)
  m1=$(machine_ticks)
  read_reaped r1
  line=$(grep -E '^tool=' "$log" | tail -n 1 || true)
  ((rc == 0)) || fail "$scen run $run: '$1' exited with $rc: $(tail -n 3 "$log")"
  check_result "$scen" "$run" "$line"
  b1=$(cpu_ticks "$BACKEND_PID")
  local requests
  requests=$(kv "$line" requests)
  if [[ -n $pids ]]; then
    # shellcheck disable=SC2086
    c1=$(cpu_ticks $pids)
    local cpu
    cpu=$(cpu_seconds "$c0" "$c1")
    # shellcheck disable=SC2086
    extra="server_cpu_s=$cpu server_rss_kb=$(rss_kb $pids) cpu_us_per_req=$(calc "$cpu * 1e6 / $requests")"
  fi
  # CPU the machine spent on anything but this run's server, backend and
  # load generator: other people's work that distorted the figures.
  local foreign=$(((m1 - m0) - (c1 - c0) - (b1 - b0) - (r1 - r0)))
  ((foreign > 0)) || foreign=0
  # Per request, for the CPU budget in the report: the backend's and the
  # load generator's CPU, and the machine's thread hand-offs.
  echo "scenario=$scen run=$run conns=$conns $line $extra backend_cpu_s=$(cpu_seconds "$b0" "$b1")" \
    "backend_us_per_req=$(calc "($b1 - $b0) * 1e6 / $CLK_TCK / $requests")" \
    "loadgen_us_per_req=$(calc "($r1 - $r0) * 1e6 / $CLK_TCK / $requests")" \
    "cs_per_req=$(calc "($x1 - $x0) / $requests")" "ipi_per_req=$(calc "($i1 - $i0) / $requests")" \
    "machine_busy_pct=$(calc "100 * ($m1 - $m0) / $CLK_TCK / $(nproc) / $DURATION")" \
    "other_cpu_s=$(cpu_seconds 0 "$foreign")" >>"$RAW"
}

# http_run SCENARIO RUN CONNS "SERVER_PIDS" URL: warm-up (first run only),
# then a measured wrk run.
http_run() {
  local scen=$1 run=$2 conns=$3 pids=$4 url=$5
  if ((run == 1 && WARMUP > 0)); then
    wrk_cmd "$conns" "$WARMUP" "$url"
    timeout --kill-after=5 $((WARMUP + 30)) "${WRK[@]}" >/dev/null 2>&1 || true
  fi
  wrk_cmd "$conns" "$DURATION" "$url"
  measure "$scen" "$run" "$conns" "$pids" "${WRK[@]}"
}

# direct_run SCENARIO RUN THREADS THRIFT-LOAD-ARGS...: the backend ceiling.
direct_run() {
  local scen=$1 run=$2 threads=$3
  shift 3
  local cmd=("$BIN/bench/thrift-load" "--port=$BACKEND_PORT" "--threads=$threads" "$@")
  if ((run == 1 && WARMUP > 0)); then
    timeout --kill-after=5 $((WARMUP + 30)) "${cmd[@]}" "--duration=$WARMUP" >/dev/null 2>&1 || true
  fi
  measure "$scen" "$run" "$threads" "" "${cmd[@]}" "--duration=$DURATION"
}

# mixed_run LATENCY_SCENARIO SATURATION_SCENARIO RUN "SERVER_PIDS" PING_URL
#           SATURATION_CONNS SATURATING_CMD...: /ping latency at 4 connections,
# measured while the saturating command keeps the backend busy from 1 s
# before to 1 s after.
mixed_run() {
  local lat_scen=$1 sat_scen=$2 run=$3 pids=$4 url=$5 sat_conns=$6
  shift 6
  local log="$LOGS/$sat_scen-$run.log" sat rc=0 line
  timeout --kill-after=5 $((DURATION + 60)) "$@" >"$log" 2>&1 &
  sat=$!
  sleep 1
  kill -0 "$sat" 2>/dev/null || fail "$sat_scen run $run: the saturating load ended early: $(tail -n 3 "$log")"
  wrk_cmd 4 "$DURATION" "$url"
  measure "$lat_scen" "$run" 4 "$pids" "${WRK[@]}"
  wait "$sat" || rc=$?
  line=$(grep -E '^tool=' "$log" | tail -n 1 || true)
  ((rc == 0)) || fail "$sat_scen run $run: '$1' exited with $rc: $(tail -n 3 "$log")"
  check_result "$sat_scen" "$run" "$line"
  echo "scenario=$sat_scen run=$run conns=$sat_conns $line" >>"$RAW"
}

# hold_run RUN: CONNECTIONS idle keep-alive connections to a gateway started
# for this run alone, so that what it holds is the connections' cost and not
# what earlier scenarios (or an earlier hold run) left on its heap. Gateway
# RSS before, while they are held, and after they closed.
hold_run() {
  local run=$1 log="$LOGS/gw-hold-$1.log" holder rc=0 line pid port
  local before held after c0 c1
  start_listening "actorgate-server (hold)" "$LOGS/gateway-hold-$run.log" \
    "$BIN/apps/actorgate-server" "--config-file=$CONFIG" "--backend.port=$BACKEND_PORT"
  pid=$LISTEN_PID port=$LISTEN_PORT
  expect_body "http://127.0.0.1:$port/ping" pong
  before=$(rss_kb "$pid")
  c0=$(cpu_ticks "$pid")
  timeout --kill-after=5 $((HOLD + 180)) "$BIN/bench/hold-connections" "--port=$port" \
    "--connections=$CONNECTIONS" "--hold=$HOLD" >"$log" 2>&1 &
  holder=$!
  for _ in $(seq 1200); do
    grep -q '^hold-connections holding' "$log" && break
    kill -0 "$holder" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^hold-connections holding' "$log" || {
    wait "$holder" || true
    fail "gw-hold run $run: connections could not be opened: $(tail -n 3 "$log")"
  }
  # Half-way through the hold: every session exists and has served a request.
  sleep "$(calc "$HOLD / 2")"
  held=$(rss_kb "$pid")
  wait "$holder" || rc=$?
  line=$(grep -E '^tool=' "$log" | tail -n 1 || true)
  ((rc == 0)) || fail "gw-hold run $run: hold-connections exited with $rc: $(tail -n 3 "$log")"
  [[ $(kv "$line" held) == "$CONNECTIONS" ]] || fail "gw-hold run $run: $line"
  c1=$(cpu_ticks "$pid")
  sleep 2 # sessions of closed connections linger briefly before they are freed
  after=$(rss_kb "$pid")
  stop_started "$pid"
  echo "scenario=gw-hold run=$run conns=$CONNECTIONS $line rss_before_kb=$before" \
    "server_rss_kb=$held rss_after_kb=$after" \
    "rss_per_conn_kb=$(calc "($held - $before) / $CONNECTIONS")" \
    "server_cpu_s=$(cpu_seconds "$c0" "$c1")" >>"$RAW"
}

# request_path_run RUN: the in-process microbenchmark, both of its modes.
request_path_run() {
  local run=$1 log="$LOGS/request-path-$1.log" rc=0 mode
  timeout --kill-after=5 300 "$BIN/bench/request-path-bench" "--config-file=$CONFIG" \
    "--bench.requests=$REQUEST_PATH_REQUESTS" >"$log" 2>&1 || rc=$?
  ((rc == 0)) || fail "request-path-bench exited with $rc: $(tail -n 3 "$log")"
  while read -r line; do
    mode=$(kv "$line" mode)
    echo "scenario=request-path-$mode run=$run $line" >>"$RAW"
  done < <(grep -E '^tool=' "$log")
}

# expect_body URL TEXT: one request before the load, so a wrong answer (not
# just an error status) is caught too.
expect_body() {
  local body
  if [[ -n ${3:-} ]]; then # a POST of $3
    body=$(curl -sS --max-time 5 -H 'Content-Type: application/json' -d "$3" "$1") ||
      fail "POST $1 failed"
  else
    body=$(curl -sS --max-time 5 "$1") || fail "GET $1 failed"
  fi
  [[ $body == *"$2"* ]] || fail "$1 answered '$body', expected '$2'"
}
