# Load runs and what is recorded about them. Sourced by bench/run.sh, which
# sets BIN, LUA, LOGS, RAW, DURATION, WARMUP, HOLD, CONNECTIONS, BACKEND_PID
# and BACKEND_PORT. Two variables change a run: RUN_BACKEND_PIDS (the
# backends whose CPU counts, default BACKEND_PID) and FRESH=1 (the server was
# started for this round: warm it up in every round, not only the first).
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
  local log="$LOGS/$scen-$run.log" rc=0 line c0=0 c1=0 s0=0 s1=0 b0 b1 m0 m1 r0 r1 x0 x1 i0 i1 t0 t1 a0 a1 extra=""
  # shellcheck disable=SC2086
  if [[ -n $pids ]]; then c0=$(cpu_ticks $pids) s0=$(sys_ticks $pids); fi
  local backends=${RUN_BACKEND_PIDS:-$BACKEND_PID}
  # shellcheck disable=SC2086
  b0=$(cpu_ticks $backends)
  read_reaped r0
  m0=$(machine_ticks)
  x0=$(context_switches)
  i0=$(resched_ipis)
  read -r t0 a0 < <(steal_and_all_ticks)
  timeout --kill-after=5 $((DURATION + 60)) "$@" >"$log" 2>&1 || rc=$?
  i1=$(resched_ipis)
  read -r t1 a1 < <(steal_and_all_ticks)
  x1=$(context_switches)
  m1=$(machine_ticks)
  read_reaped r1
  line=$(grep -E '^tool=' "$log" | tail -n 1 || true)
  ((rc == 0)) || fail "$scen run $run: '$1' exited with $rc: $(tail -n 3 "$log")"
  check_result "$scen" "$run" "$line"
  # shellcheck disable=SC2086
  b1=$(cpu_ticks $backends)
  local requests
  requests=$(kv "$line" requests)
  if [[ -n $pids ]]; then
    # shellcheck disable=SC2086
    c1=$(cpu_ticks $pids)
    # shellcheck disable=SC2086
    s1=$(sys_ticks $pids)
    local cpu
    cpu=$(cpu_seconds "$c0" "$c1")
    # shellcheck disable=SC2086
    extra="server_cpu_s=$cpu server_rss_kb=$(rss_kb $pids) cpu_us_per_req=$(calc "$cpu * 1e6 / $requests")"
    extra+=" sys_us_per_req=$(calc "$(cpu_seconds "$s0" "$s1") * 1e6 / $requests")"
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
    "steal_pct=$(stolen_pct "$t0" "$a0" "$t1" "$a1")" \
    "other_cpu_s=$(cpu_seconds 0 "$foreign")" >>"$RAW"
}

# http_run SCENARIO RUN CONNS "SERVER_PIDS" URL: warm-up (first run only,
# or every run with FRESH=1), then a measured wrk run.
http_run() {
  local scen=$1 run=$2 conns=$3 pids=$4 url=$5
  if (((run == 1 || ${FRESH:-0} == 1) && WARMUP > 0)); then
    wrk_cmd "$conns" "$WARMUP" "$url"
    timeout --kill-after=5 $((WARMUP + 30)) "${WRK[@]}" >/dev/null 2>&1 || true
  fi
  wrk_cmd "$conns" "$DURATION" "$url"
  measure "$scen" "$run" "$conns" "$pids" "${WRK[@]}"
}

# ws_run SCENARIO RUN CONNS "SERVER_PIDS" PORT PATH: WebSocket echo load with
# ws-load, one 64-byte text message in flight per connection.
ws_run() {
  local scen=$1 run=$2 conns=$3 pids=$4 port=$5 path=$6
  local cmd=("$BIN/bench/ws-load" "--port=$port" "--path=$path" "--connections=$conns" --bytes=64)
  if ((run == 1 && WARMUP > 0)); then
    timeout --kill-after=5 $((WARMUP + 30)) "${cmd[@]}" "--duration=$WARMUP" >/dev/null 2>&1 || true
  fi
  measure "$scen" "$run" "$conns" "$pids" "${cmd[@]}" "--duration=$DURATION"
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

# hold_run SCENARIO RUN CONNS: CONNS idle keep-alive connections to a
# gateway started for this run alone, so that what it holds is the
# connections' cost and not what earlier scenarios (or an earlier hold run)
# left on its heap. Gateway RSS before, while they are held, and after they
# closed. max-connections is CONNS + 240 (bench.ini's 10240 for 10,000): the
# holder opens one more connection at the end.
hold_run() {
  local scen=$1 run=$2 conns=$3
  start_listening "actorgate-server ($scen)" "$LOGS/gateway-$scen-$run.log" \
    "$BIN/apps/actorgate-server" "--config-file=$CONFIG" "--backend.port=$BACKEND_PORT" \
    "--http.max-connections=$((conns + 240))"
  hold_measure "$scen" "$run" "$conns" "$LISTEN_PID" "$LISTEN_PORT"
}

# nginx_hold_run SCENARIO RUN CONNS: the same against an nginx started for
# this run (worker_connections CONNS + 240 per worker); RSS of master and
# workers summed, as in every nginx run.
nginx_hold_run() {
  local scen=$1 run=$2 conns=$3
  local NGINX_PIDS NGINX_PORT # start_nginx sets these; the main nginx's stay
  start_nginx "$LOGS/nginx-$scen-$run" $((conns + 240))
  hold_measure "$scen" "$run" "$conns" "$NGINX_PIDS" "$NGINX_PORT"
}

# hold_measure SCENARIO RUN CONNS "SERVER_PIDS" PORT: hold-connections against
# a server just started (first pid: the one to stop), then stops it. With
# HOLD_WS_PATH set, the connections are WebSockets on that path (ws-load
# --hold) instead of HTTP keep-alive connections.
hold_measure() {
  local scen=$1 run=$2 conns=$3 pids=$4 port=$5 log="$LOGS/$1-$2.log" holder rc=0 line
  local before held after c0 c1 tool=hold-connections
  local cmd=("$BIN/bench/hold-connections" "--port=$port" "--connections=$conns" "--hold=$HOLD")
  if [[ -n ${HOLD_WS_PATH:-} ]]; then
    tool=ws-load
    cmd=("$BIN/bench/ws-load" "--port=$port" "--path=$HOLD_WS_PATH" "--connections=$conns"
      "--hold=$HOLD")
  fi
  expect_body "http://127.0.0.1:$port/ping" pong
  # shellcheck disable=SC2086
  before=$(rss_kb $pids)
  # shellcheck disable=SC2086
  c0=$(cpu_ticks $pids)
  : >"$log"
  timeout --kill-after=5 $((HOLD + 180)) "${cmd[@]}" >"$log" 2>&1 &
  holder=$!
  for _ in $(seq 1200); do
    grep -q "^$tool holding" "$log" && break
    kill -0 "$holder" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "^$tool holding" "$log" || {
    wait "$holder" || true
    fail "$scen run $run: connections could not be opened: $(tail -n 3 "$log")"
  }
  # Half-way through the hold: every session exists and has served a request.
  sleep "$(calc "$HOLD / 2")"
  # shellcheck disable=SC2086
  held=$(rss_kb $pids)
  wait "$holder" || rc=$?
  line=$(grep -E '^tool=' "$log" | tail -n 1 || true)
  ((rc == 0)) || fail "$scen run $run: $tool exited with $rc: $(tail -n 3 "$log")"
  [[ $(kv "$line" held) == "$conns" ]] || fail "$scen run $run: $line"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks $pids)
  sleep 2 # sessions of closed connections linger briefly before they are freed
  # shellcheck disable=SC2086
  after=$(rss_kb $pids)
  stop_started "${pids%% *}"
  echo "scenario=$scen run=$run conns=$conns $line rss_before_kb=$before" \
    "server_rss_kb=$held rss_after_kb=$after" \
    "rss_per_conn_kb=$(calc "($held - $before) / $conns")" \
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
# An https URL is checked against the run's test certificate (TLS_CERT).
expect_body() {
  local body ca=()
  [[ $1 == https://* ]] && ca=(--cacert "$TLS_CERT")
  if [[ -n ${3:-} ]]; then # a POST of $3
    body=$(curl -sS --max-time 5 "${ca[@]}" -H 'Content-Type: application/json' -d "$3" "$1") ||
      fail "POST $1 failed"
  else
    body=$(curl -sS --max-time 5 "${ca[@]}" "$1") || fail "GET $1 failed"
  fi
  [[ $body == *"$2"* ]] || fail "$1 answered '$body', expected '$2'"
}
