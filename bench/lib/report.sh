# The results page: medians, the table, the ratios with their targets, the
# plot. Sourced by bench/run.sh, which sets RAW, MED, REPORT, PLOT, LOGS,
# RUNS, DURATION, WARMUP, HOLD, CONNECTIONS, POOL, CONFIG, BUSY_AT_START,
# ARGS_TEXT, GROWTH_HOLDS, HOLD_TOP, HOLD_WANTED, ACTIVE.

# m SCENARIO KEY: the median, or "-" if the scenario or key is missing.
m() {
  local line v
  line=$(grep -m1 "^scenario=$1 " "$MED" || true)
  v=$(kv "$line" "$2")
  echo "${v:--}"
}

# Scenario rows of the table: name|what was measured.
TABLE_ROWS=(
  "gw-ping-64|gateway GET /ping"
  "nginx-ping-64|nginx GET /ping"
  "beast-ping-64|plain Beast GET /ping (HTTP ceiling)"
  "gw-ping-4|gateway GET /ping"
  "nginx-ping-4|nginx GET /ping"
  "beast-ping-4|plain Beast GET /ping"
  "gw-echo-64|gateway GET /echo?msg=hello"
  "gw-echo-4|gateway GET /echo?msg=hello"
  "gw-rpc-echo-64|gateway POST /rpc/echo {\"msg\":\"hello\"} (from the IDL, no code)"
  "direct-echo|thrift-load echo(\"hello\") (backend ceiling)"
  "gw-work200-64|gateway GET /work?us=200"
  "gw-work200-4|gateway GET /work?us=200"
  "direct-work200|thrift-load work(200) (backend ceiling)"
  "gw-work200-split|gateway GET /work?us=200, backend pinned to its own core"
  "direct-work200-split|thrift-load work(200), backend pinned to its own core"
  "gw-mixed-ping-4|gateway GET /ping while /work?us=20000 saturates"
  "gw-mixed-work20000-32|gateway GET /work?us=20000 (the saturating load)"
  "nginx-mixed-ping-4|nginx GET /ping while thrift-load work(20000) saturates"
  "direct-mixed-work20000|thrift-load work(20000) (the saturating load)"
  "nginx-mixed8-ping-4|nginx GET /ping while thrift-load work(20000) saturates with pool-size threads"
  "direct-mixed8-work20000|thrift-load work(20000) with pool-size threads (the saturating load)"
  "gw-tls-ping-64|gateway GET /ping over TLS (second gateway, --http.tls-cert)"
  "nginx-tls-ping-64|nginx GET /ping over TLS (same certificate)"
  "gw-tls-echo-64|gateway GET /echo?msg=hello over TLS"
  "ws-beast-echo-64|plain Beast WebSocket echo, 64-byte text messages (WebSocket ceiling)"
  "gw-ws-echo-64|gateway WebSocket /ws/echo, each message a Thrift echo() in order"
  "gw-ping-1000|gateway GET /ping, 1,000 connections"
  "nginx-ping-1000|nginx GET /ping, 1,000 connections"
  "gw-ping-10000|gateway GET /ping, 10,000 connections"
  "nginx-ping-10000|nginx GET /ping, 10,000 connections"
  "gw-io2-ping-64|gateway GET /ping, --http.io-threads=2"
  "gw-io2-ping-1000|gateway GET /ping, --http.io-threads=2, 1,000 connections"
  "gw-echo4-64|gateway GET /echo?msg=hello over 4 backend endpoints"
  "gw-echo-pool64-64|gateway GET /echo?msg=hello, --backend.pool-size=64"
  "gw-routes10-ping-64|many-routes-server GET /ping, 10 other routes"
  "gw-routes1000-ping-64|many-routes-server GET /ping, 1,000 other routes"
)

# Display units: µs -> ms, kB -> MB (10^6 bytes), plain numbers.
ms() { if [[ $1 == - ]]; then echo -; else fmt 3 "$1 / 1000"; fi; }
mb() { if [[ $1 == - ]]; then echo -; else fmt 1 "$1 * 1024 / 1e6"; fi; }
num() { if [[ $2 == - ]]; then echo -; else fmt "$1" "$2"; fi; }

# verdict VALUE OP TARGET: "met" or "not met" (OP is >= or <=).
verdict() {
  [[ $1 == - ]] && { echo "not measured"; return; }
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
    ok = op == ">=" ? v >= t : v <= t; print ok ? "met" : "not met" }'
}

sum() { if [[ $1 == - || $2 == - ]]; then echo -; else calc "$1 + $2"; fi; }

held_increase_mb() {
  local before held
  before=$(m gw-hold rss_before_kb)
  held=$(m gw-hold server_rss_kb)
  if [[ $before == - || $held == - ]]; then echo -; else calc "($held - $before) * 1024 / 1e6"; fi
}

ratio() { if [[ $1 == - || $2 == - ]]; then echo -; else calc "$1 / $2"; fi; }

# composed_ceiling A B: requests/s of a machine whose every request costs what
# one of A's and one of B's does: 1 / (1/A + 1/B).
composed_ceiling() {
  if [[ $1 == - || $2 == - ]]; then echo -; else calc "1 / (1 / $1 + 1 / $2)"; fi
}

machine_section() {
  local mem os
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
  cat <<MD
## Machine

| | |
|---|---|
| CPUs (nproc) | $(nproc) |
| CPU model | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |
| kernel | $(uname -r) |
| memory | $mem |
| OS | $os |
| compiler | $(g++ --version | head -n 1) |
| wrk | $(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }') |
| nginx | $(nginx -v 2>&1 | sed 's/.*nginx\///') |
| CPU busy before the start (other processes) | ${BUSY_AT_START}% |
| host stalls of a busy virtual CPU, 1 CPU busy for 5 s (stall-probe) | $(stalls 1) |
| host stalls of a busy virtual CPU, all $(nproc) CPUs busy for 5 s (stall-probe) | $(stalls "$(nproc)") |

Load generators share the 2 cores with the servers they measure, as in
every baseline here, so the ratios compare like with like.

A stall is a gap of 1 ms or more in which a thread spinning on a CPU of its
own (pinned; nothing else running) did not run; "host steal" is the CPU time
the host took from this machine meanwhile (\`/proc/stat\`). If stalls come
only with all CPUs busy, and match the steal, the host is taking a CPU away
when the machine uses all it has; then the p99 of a scenario that keeps all
CPUs busy (nginx at 64 connections, the mixed runs) is dominated by those
stalls, for the server and its baseline alike. The results give each
scenario's host steal % (median of its runs).
MD
}

# stalls THREADS: the stall-probe line for that many busy threads, in words.
stalls() {
  local s="stall-probe-$1"
  case $(m "$s" stalls_1ms) in
    -) echo "-" ;;
    0) echo "none of 1 ms or more; host steal $(num 1 "$(m "$s" steal_pct)") %" ;;
    *) echo "$(m "$s" stalls_1ms) of 1 ms or more, $(m "$s" stalls_50ms) of 50 ms or more," \
      "longest $(m "$s" longest_ms) ms; $(m "$s" lost_pct) % of the time lost;" \
      "host steal $(num 1 "$(m "$s" steal_pct)") %" ;;
  esac
}

results_table() {
  local row scen what
  echo "| scenario | what | conns | rps | p50 ms | p99 ms | p99.9 ms | errors | server RSS MB | server CPU s | server CPU µs/req | backend CPU s | host steal % |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${TABLE_ROWS[@]}"; do
    IFS='|' read -r scen what <<<"$row"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$scen" "$what" "$(m "$scen" conns)" "$(num 0 "$(m "$scen" rps)")" \
      "$(ms "$(m "$scen" p50_us)")" "$(ms "$(m "$scen" p99_us)")" "$(ms "$(m "$scen" p999_us)")" \
      "$(m "$scen" errors)" "$(mb "$(m "$scen" server_rss_kb)")" \
      "$(num 2 "$(m "$scen" server_cpu_s)")" "$(num 1 "$(m "$scen" cpu_us_per_req)")" \
      "$(num 2 "$(m "$scen" backend_cpu_s)")" "$(num 1 "$(m "$scen" steal_pct)")"
  done
  echo
  echo "Server = the process answering HTTP (gateway, nginx master + 2 workers, or"
  echo "plain-beast-server); \"-\" for the direct Thrift runs, which have no HTTP server."
}

ratios_section() {
  local ping echo_r composed work mixed rss http_ceiling backend_ceiling work_composed rpc
  http_ceiling=$(m beast-ping-64 rps)
  backend_ceiling=$(m direct-echo rps)
  composed=$(composed_ceiling "$http_ceiling" "$backend_ceiling")
  work_composed=$(composed_ceiling "$http_ceiling" "$(m direct-work200 rps)")
  ping=$(ratio "$(m gw-ping-64 rps)" "$(m nginx-ping-64 rps)")
  echo_r=$(ratio "$(m gw-echo-64 rps)" "$composed")
  work=$(ratio "$(m gw-work200-64 rps)" "$(m direct-work200 rps)")
  rpc=$(ratio "$(m gw-rpc-echo-64 rps)" "$(m gw-echo-64 rps)")
  mixed=$(ratio "$(m gw-mixed-ping-4 p99_us)" "$(m nginx-mixed-ping-4 p99_us)")
  rss=$(m gw-hold server_rss_kb)
  [[ $rss != - ]] && rss=$(calc "$rss * 1024 / 1e6")
  local tls rss_nginx routes
  tls=$(ratio "$(m gw-tls-ping-64 rps)" "$(m nginx-tls-ping-64 rps)")
  rss_nginx=$(ratio "$(m gw-hold server_rss_kb)" "$(m nginx-hold server_rss_kb)")
  routes=$(ratio "$(m gw-routes1000-ping-64 rps)" "$(m gw-routes10-ping-64 rps)")
  local ws_composed ws work_c work_split p99_ping
  work_c=$(ratio "$(m gw-work200-64 rps)" "$work_composed")
  work_split=$(ratio "$(m gw-work200-split rps)" "$(m direct-work200-split rps)")
  p99_ping=$(ratio "$(m gw-ping-64 p99_us)" "$(m nginx-ping-64 p99_us)")
  local ws_composed ws
  ws_composed=$(composed_ceiling "$(m ws-beast-echo-64 rps)" "$backend_ceiling")
  ws=$(ratio "$(m gw-ws-echo-64 rps)" "$ws_composed")
  cat <<MD
## Ratios

| ratio | value | target | verdict |
|---|---:|---|---|
| gateway /ping rps ÷ nginx /ping rps (64 conns) | $(num 3 "$ping") | ≥ 1.00 | $(verdict "$ping" ">=" 1) |
| gateway /ping p99 ÷ nginx /ping p99 (64 conns) | $(num 3 "$p99_ping") | ≤ 1.00 | $(verdict "$p99_ping" "<=" 1) |
| gateway /echo rps ÷ composed ceiling (64 conns) | $(num 3 "$echo_r") | ≥ 0.90 | $(verdict "$echo_r" ">=" 0.9) |
| gateway /work?us=200 rps ÷ direct work(200) rps, backend pinned to a core of its own (64 conns, $POOL threads) | $(num 3 "$work_split") | ≥ 0.98 | $(verdict "$work_split" ">=" 0.98) |
| gateway /work?us=200 rps ÷ its composed ceiling, 1 / (1 / $(num 0 "$http_ceiling") + 1 / $(num 0 "$(m direct-work200 rps)")) = $(num 0 "$work_composed") rps, shared cores (64 conns) | $(num 3 "$work_c") | ≥ 0.95 | $(verdict "$work_c" ">=" 0.95) |
| gateway POST /rpc/echo (IDL, no code) rps ÷ hand-written GET /echo rps (64 conns) | $(num 3 "$rpc") | ≥ 0.90 | $(verdict "$rpc" ">=" 0.9) |
| gateway mixed /ping p99 ÷ nginx mixed /ping p99 | $(num 3 "$mixed") | ≤ 1.00 (gateway ≤ nginx) | $(verdict "$mixed" "<=" 1) |
| gateway RSS holding $CONNECTIONS keep-alive connections (total; fresh gateway) | $(num 1 "$rss") MB | ≤ 100 MB | $(verdict "$rss" "<=" 100) |
| gateway TLS /ping rps ÷ nginx TLS /ping rps (64 conns, same certificate, TLS version and cipher) | $(num 3 "$tls") | ≥ 0.90 | $(verdict "$tls" ">=" 0.9) |
| gateway RSS ÷ nginx RSS (master + workers), each holding $CONNECTIONS idle keep-alive connections (fresh processes) | $(num 3 "$rss_nginx") | ≤ 1.00 | $(verdict "$rss_nginx" "<=" 1) |
| /ping rps with 1,000 other routes ÷ with 10 (many-routes-server, 64 conns) | $(num 3 "$routes") | ≥ 0.95 (at most 5 % slower) | $(verdict "$routes" ">=" 0.95) |
| gateway WebSocket /ws/echo messages/s ÷ composed WebSocket ceiling (plain Beast WebSocket echo with thrift-load echo, 64 conns) | $(num 3 "$ws") | ≥ 0.75 | $(verdict "$ws" ">=" 0.75) |

Composed ceiling for /echo = 1 / (1 / HTTP ceiling + 1 / backend ceiling)
= 1 / (1 / $(num 0 "$http_ceiling") + 1 / $(num 0 "$backend_ceiling")) = $(num 0 "$composed") rps,
where the HTTP ceiling is plain-beast-server's /ping rps at 64 connections and
the backend ceiling is thrift-load's echo rps at $POOL threads (the gateway's
pool size).

Without a target, for context:

| ratio | value |
|---|---:|
| gateway /ping rps ÷ plain Beast /ping rps (64 conns) | $(num 2 "$(ratio "$(m gw-ping-64 rps)" "$(m beast-ping-64 rps)")") |
| gateway /ping rps ÷ nginx /ping rps (4 conns) | $(num 2 "$(ratio "$(m gw-ping-4 rps)" "$(m nginx-ping-4 rps)")") |
| gateway /ping p50 ÷ nginx /ping p50 (4 conns) | $(num 2 "$(ratio "$(m gw-ping-4 p50_us)" "$(m nginx-ping-4 p50_us)")") |
| gateway ÷ nginx server CPU per /ping request (64 conns) | $(num 2 "$(ratio "$(m gw-ping-64 cpu_us_per_req)" "$(m nginx-ping-64 cpu_us_per_req)")") |
| gateway mixed /ping p50 ÷ nginx mixed /ping p50 | $(num 2 "$(ratio "$(m gw-mixed-ping-4 p50_us)" "$(m nginx-mixed-ping-4 p50_us)")") |
| gateway mixed /ping p99 ÷ nginx mixed /ping p99, backend saturated by $POOL threads (as the gateway's pool does) | $(num 2 "$(ratio "$(m gw-mixed-ping-4 p99_us)" "$(m nginx-mixed8-ping-4 p99_us)")") |
| gateway /work?us=200 rps ÷ direct work(200) rps, shared cores ($POOL threads) | $(num 3 "$work") |
| gateway CPU per /echo ÷ (Beast CPU per /ping + thrift-load CPU per echo) | $(num 2 "$(ratio "$(m gw-echo-64 cpu_us_per_req)" "$(sum "$(m beast-ping-64 cpu_us_per_req)" "$(m direct-echo client_cpu_us_per_call)")")") |
| gateway CPU per /work?us=200 ÷ (Beast CPU per /ping + thrift-load CPU per work) | $(num 2 "$(ratio "$(m gw-work200-64 cpu_us_per_req)" "$(sum "$(m beast-ping-64 cpu_us_per_req)" "$(m direct-work200 client_cpu_us_per_call)")")") |
| gateway RSS increase for $CONNECTIONS connections (held − before) | $(num 1 "$(held_increase_mb)") MB |
| RSS of the gateway that served every other scenario, at its last run | $(mb "$(m gw-mixed-ping-4 server_rss_kb)") MB |

CPU per request counts the whole server process (the gateway includes its
Thrift workers); thrift-load's own CPU stands for the client half that the
gateway runs in-process.
MD
}

# The CPU each request costs the machine, for the routes that call the
# backend and their direct baselines: what bounds /work?us=200's ratio.
budget_section() {
  local scen direct gw b s l per_req room
  echo "## CPU per request"
  echo
  echo "| scenario | rps | backend CPU µs/req | server CPU µs/req | load generator CPU µs/req | machine busy % (user + system) | context switches / req (machine) | rescheduling IPIs / req (machine) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for scen in gw-echo-64 direct-echo gw-work200-64 direct-work200 gw-work200-split direct-work200-split; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$scen" "$(num 0 "$(m "$scen" rps)")" \
      "$(num 1 "$(m "$scen" backend_us_per_req)")" "$(num 1 "$(m "$scen" cpu_us_per_req)")" \
      "$(num 1 "$(m "$scen" loadgen_us_per_req)")" "$(num 0 "$(m "$scen" machine_busy_pct)")" \
      "$(num 2 "$(m "$scen" cs_per_req)")" "$(num 2 "$(m "$scen" ipi_per_req)")"
  done
  direct=$(m direct-work200 rps)
  b=$(m gw-work200-64 backend_us_per_req)
  s=$(m gw-work200-64 cpu_us_per_req)
  l=$(m gw-work200-64 loadgen_us_per_req)
  [[ $direct == - || $b == - || $s == - || $l == - ]] && return
  gw=$(calc "0.9 * $direct")
  per_req=$(calc "$(nproc) * 1e6 / $gw")
  room=$(calc "$per_req - $b")
  cat <<MD

The /work?us=200 target as a CPU budget: at 0.9 × $(num 0 "$direct") = $(num 0 "$gw") requests/s
the $(nproc) cores give each request $(num 1 "$per_req") µs of CPU in all. The backend took
$(num 1 "$b") µs per call in the gateway run, which leaves $(num 1 "$room") µs for the gateway and
its load generator together; they took $(num 1 "$(calc "$s + $l")") µs ($(num 1 "$s") + $(num 1 "$l")). (Approximate:
interrupt time is charged to no process, and the cores may idle.)
MD
}

hold_section() {
  cat <<MD
## $CONNECTIONS idle keep-alive connections (hold-connections)

Each run starts a gateway of its own (same config) that has served only one
/ping, so the figures are the connections' cost; the gateway that ran the
other scenarios keeps whatever its heap grew to (see its RSS column above).

| | median of $RUNS |
|---|---:|
| connections held (answered /ping before and after the hold) | $(m gw-hold held) of $(m gw-hold connections) |
| gateway RSS before | $(mb "$(m gw-hold rss_before_kb)") MB |
| gateway RSS while holding | $(mb "$(m gw-hold server_rss_kb)") MB |
| gateway RSS after they closed | $(mb "$(m gw-hold rss_after_kb)") MB |
| RSS per connection | $(num 2 "$(m gw-hold rss_per_conn_kb)") kB |
| time to open them all (one after the other, each with a /ping) | $(num 2 "$(m gw-hold open_s)") s |
| gateway CPU over the whole test | $(num 2 "$(m gw-hold server_cpu_s)") s |
MD
}

request_path_section() {
  cat <<MD
## Request path without the network (request-path-bench)

A request for the ping route actor, built as the session builds it and sent
with anon_send and a reply handle, in one process, same [scheduler] settings.

| mode | requests in flight | ns / request | operator new calls / request |
|---|---:|---:|---:|
| batch | $(m request-path-batch window) | $(num 0 "$(m request-path-batch ns_per_req)") | $(num 2 "$(m request-path-batch allocs_per_req)") |
| sequential | 1 | $(num 0 "$(m request-path-sequential ns_per_req)") | $(num 2 "$(m request-path-sequential allocs_per_req)") |
MD
}

# Runs during which other processes used more than 5% of the machine.
interference_section() {
  local limit
  limit=$(calc "0.05 * $(nproc) * $DURATION")
  echo "## Interference"
  echo
  echo "CPU time the machine spent during a measured run on anything other than"
  echo "that run's server, backend and load generator (user + system, all CPUs)."
  awk -v limit="$limit" '
    { s = ""; r = ""; o = ""
      for (i = 1; i <= NF; i++) {
        if (index($i, "scenario=") == 1) s = substr($i, 10)
        if (index($i, "run=") == 1) r = substr($i, 5)
        if (index($i, "other_cpu_s=") == 1) o = substr($i, 13) + 0 }
      if (s == "" || o == "") next
      n++; if (o > max) max = o
      if (o > limit) bad = bad sprintf("- %s run %s: %.2f s\n", s, r, o) }
    END {
      printf "Largest: %.2f s over %d runs. ", max, n
      if (bad == "") printf "No run above %.2f s (5%% of the machine).\n", limit
      else printf "Runs above %.2f s (5%% of the machine), whose figures are suspect:\n\n%s", limit, bad }
  ' "$RAW"
}

# pct NEW OLD: the change from OLD to NEW in %, signed.
pct() {
  if [[ $1 == - || $2 == - ]]; then echo -; else fmt 1 "100 * ($1 - $2) / $2" | sed 's/^\([0-9]\)/+\1/'; fi
}

tls_section() {
  local line gw_tls ng_tls scen base
  line=$(grep -m1 "^scenario=tls-session " "$MED" || true)
  gw_tls=$(kv "$line" gw_tls) ng_tls=$(kv "$line" nginx_tls)
  cat <<MD
## TLS

A second gateway process (\`--http.tls-cert\`, \`--http.tls-key\`; otherwise
bench.ini, no [idl]) and a second nginx (\`listen ... ssl\`, \`ssl_protocols
TLSv1.2 TLSv1.3\`), both started fresh every round with the same self-signed
EC P-256 certificate for 127.0.0.1 made at the start of the run (openssl).
wrk over https, keep-alive: the handshakes happen when the 64 connections open,
so the figures are the cost of encrypting the requests and responses.
Negotiated by a default OpenSSL client (as wrk is): gateway ${gw_tls//\// with }, nginx ${ng_tls//\// with }.

| scenario | rps | p99 ms | server CPU µs/req | plain HTTP | plain rps | TLS ÷ plain rps |
|---|---:|---:|---:|---|---:|---:|
MD
  for scen in gw-tls-ping-64:gw-ping-64 nginx-tls-ping-64:nginx-ping-64 gw-tls-echo-64:gw-echo-64; do
    base=${scen#*:} scen=${scen%%:*}
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$scen" "$(num 0 "$(m "$scen" rps)")" \
      "$(ms "$(m "$scen" p99_us)")" "$(num 1 "$(m "$scen" cpu_us_per_req)")" "$base" \
      "$(num 0 "$(m "$base" rps)")" "$(num 3 "$(ratio "$(m "$scen" rps)" "$(m "$base" rps)")")"
  done
}

ws_section() {
  cat <<MD
## WebSocket

ws-load (bench/tools/ws_load.cpp) keeps one 64-byte text message in flight on
each of 64 connections and checks every answer. The ceiling is
plain-ws-echo-server, a single-threaded Beast WebSocket server that echoes
in the session. The gateway's /ws/echo makes each message a Thrift echo()
through the pool, one at a time per connection (answers in order), so its
fair ceiling is composed like /echo's: 1 / (1 / $(num 0 "$(m ws-beast-echo-64 rps)") + 1 / $(num 0 "$(m direct-echo rps)")) =
$(num 0 "$(composed_ceiling "$(m ws-beast-echo-64 rps)" "$(m direct-echo rps)")") messages/s.

| scenario | messages/s | p50 ms | p99 ms | server CPU µs/message |
|---|---:|---:|---:|---:|
MD
  local scen
  for scen in ws-beast-echo-64 gw-ws-echo-64; do
    printf '| %s | %s | %s | %s | %s |\n' "$scen" "$(num 0 "$(m "$scen" rps)")" \
      "$(ms "$(m "$scen" p50_us)")" "$(ms "$(m "$scen" p99_us)")" "$(num 1 "$(m "$scen" cpu_us_per_req)")"
  done
  cat <<MD

Memory: a fresh gateway holding 1,000 idle WebSockets on /ws/echo (each
with its actor): RSS $(mb "$(m gw-ws-hold rss_before_kb)") MB before, $(mb "$(m gw-ws-hold server_rss_kb)") MB while held,
$(num 2 "$(m gw-ws-hold rss_per_conn_kb)") kB per idle WebSocket.
MD
}

io_threads_section() {
  local c one two
  cat <<MD
## IO threads

/ping with \`--http.io-threads=1\` (the main gateway, bench.ini) and \`=2\` (a
gateway started fresh each round; one acceptor hands connections round-robin
to the IO threads). The default is unchanged (1).

| connections | io-threads 1 rps | p99 ms | CPU µs/req | io-threads 2 rps | p99 ms | CPU µs/req | 2 ÷ 1 rps |
|---:|---:|---:|---:|---:|---:|---:|---:|
MD
  for c in 64 1000; do
    one=gw-ping-$c two=gw-io2-ping-$c
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$(num 0 "$(m "$one" rps)")" \
      "$(ms "$(m "$one" p99_us)")" "$(num 1 "$(m "$one" cpu_us_per_req)")" "$(num 0 "$(m "$two" rps)")" \
      "$(ms "$(m "$two" p99_us)")" "$(num 1 "$(m "$two" cpu_us_per_req)")" \
      "$(num 3 "$(ratio "$(m "$two" rps)" "$(m "$one" rps)")")"
  done
}

# hold_scen KIND CONNS: the hold scenario of gw or nginx at CONNS.
hold_scen() { if [[ $2 == "$CONNECTIONS" ]]; then echo "$1-hold"; else echo "$1-hold-$2"; fi; }

growth_section() {
  local c g n first row base scen what
  cat <<MD
## How cost grows

Medians of $RUNS run(s), like every figure here; each row beside its
baseline. Holds: hold-connections against a gateway or nginx started for
that run alone (RSS of nginx = master + 2 workers), RSS sampled half-way
through the ${HOLD} s hold; "per connection" = (RSS while holding − RSS before) ÷ connections.
MD
  if ((HOLD_TOP < HOLD_WANTED)); then
    echo
    echo "The open-file limit here is $(ulimit -Hn) (hard; not raisable in this container), and one"
    echo "process must hold every connection: the top point is ${HOLD_TOP}, not ${HOLD_WANTED}."
  fi
  echo
  echo "### Idle keep-alive connections"
  echo
  echo "| idle connections | gateway RSS MB | gateway kB per connection | nginx RSS MB | nginx kB per connection | gateway ÷ nginx RSS | gateway ÷ nginx kB per connection |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for c in "${GROWTH_HOLDS[@]}"; do
    g=$(hold_scen gw "$c") n=$(hold_scen nginx "$c")
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$(mb "$(m "$g" server_rss_kb)")" \
      "$(num 2 "$(m "$g" rss_per_conn_kb)")" "$(mb "$(m "$n" server_rss_kb)")" \
      "$(num 2 "$(m "$n" rss_per_conn_kb)")" \
      "$(num 2 "$(ratio "$(m "$g" server_rss_kb)" "$(m "$n" server_rss_kb)")")" \
      "$(num 2 "$(ratio "$(m "$g" rss_per_conn_kb)" "$(m "$n" rss_per_conn_kb)")")"
  done
  echo
  echo "### Active connections, GET /ping (wrk -t2 -cN, keep-alive)"
  echo
  echo "| connections | gateway rps | gateway p99 ms | gateway CPU µs/req | nginx rps | nginx p99 ms | nginx CPU µs/req | gateway ÷ nginx rps | gateway rps vs 64 conns | nginx rps vs 64 conns |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in "${ACTIVE[@]}"; do
    g=gw-ping-$c n=nginx-ping-$c
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s %% | %s %% |\n' "$c" "$(num 0 "$(m "$g" rps)")" \
      "$(ms "$(m "$g" p99_us)")" "$(num 1 "$(m "$g" cpu_us_per_req)")" "$(num 0 "$(m "$n" rps)")" \
      "$(ms "$(m "$n" p99_us)")" "$(num 1 "$(m "$n" cpu_us_per_req)")" \
      "$(num 3 "$(ratio "$(m "$g" rps)" "$(m "$n" rps)")")" \
      "$(pct "$(m "$g" rps)" "$(m gw-ping-64 rps)")" "$(pct "$(m "$n" rps)" "$(m nginx-ping-64 rps)")"
  done
  echo
  echo "### Backend endpoints, pool size, route table (64 connections)"
  echo
  echo "| figure | baseline | baseline rps | rps | change | baseline p99 ms | p99 ms | baseline server CPU µs/req | server CPU µs/req |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for row in "gw-echo4-64|gw-echo-64|/echo over 4 backend endpoints (pool-size 8: 8 connections to each)|1 endpoint" \
    "gw-echo-pool64-64|gw-echo-64|/echo with pool-size 64 (backend 96 threads)|pool-size 8" \
    "gw-routes1000-ping-64|gw-routes10-ping-64|/ping with 1,000 other routes (target: at most 5 % slower)|10 other routes"; do
    IFS='|' read -r scen base what first <<<"$row"
    printf '| %s | %s | %s | %s | %s %% | %s | %s | %s | %s |\n' "$what" "$first" \
      "$(num 0 "$(m "$base" rps)")" "$(num 0 "$(m "$scen" rps)")" "$(pct "$(m "$scen" rps)" "$(m "$base" rps)")" \
      "$(ms "$(m "$base" p99_us)")" "$(ms "$(m "$scen" p99_us)")" \
      "$(num 1 "$(m "$base" cpu_us_per_req)")" "$(num 1 "$(m "$scen" cpu_us_per_req)")"
  done
  echo
  growth_verdicts
}

# slope_kb KIND: kB of total RSS per extra idle connection between the first
# and the last hold point (fresh processes: for nginx this includes the
# connection arrays its worker_connections makes it allocate at start).
slope_kb() {
  local a b first=${GROWTH_HOLDS[0]} last=${GROWTH_HOLDS[-1]}
  a=$(m "$(hold_scen "$1" "$first")" server_rss_kb) b=$(m "$(hold_scen "$1" "$last")" server_rss_kb)
  if [[ $a == - || $b == - ]]; then echo -; else calc "($b - $a) / ($last - $first)"; fi
}

# growth_verdicts: which figures grow faster than linear, from the medians.
growth_verdicts() {
  local first=${GROWTH_HOLDS[0]} last=${GROWTH_HOLDS[-1]} kind name scen0 scen1 k0 k1 f
  local c0=${ACTIVE[0]} c1=${ACTIVE[-1]} r0 r1 u0 u1 y0 y1 x0 x1
  echo "### What grows faster than linear"
  echo
  for kind in gw nginx; do
    name=${kind/gw/gateway}
    scen0=$(hold_scen "$kind" "$first") scen1=$(hold_scen "$kind" "$last")
    k0=$(m "$scen0" rss_per_conn_kb) k1=$(m "$scen1" rss_per_conn_kb)
    [[ $k0 == - || $k1 == - ]] && continue
    if awk -v a="$k0" -v b="$k1" 'BEGIN { exit !(b > 1.15 * a) }'; then
      f="faster than linear: each connection costs more the more there are"
    elif awk -v a="$k0" -v b="$k1" 'BEGIN { exit !(b < a / 1.15) }'; then
      f="slower than linear per process: a fixed part is spread over more connections"
    else
      f="linear: the cost per connection stays within 15 %"
    fi
    echo "- $name memory for idle connections: $(num 2 "$k0") kB per connection at $first," \
      "$(num 2 "$k1") kB at $last: $f. Total RSS from $first to $last connections (fresh" \
      "processes, each configured for its count): $(num 2 "$(slope_kb "$kind")") kB per added connection."
  done
  for kind in gw nginx; do
    name=${kind/gw/gateway}
    r0=$(m "$kind-ping-$c0" rps) r1=$(m "$kind-ping-$c1" rps)
    u0=$(m "$kind-ping-$c0" cpu_us_per_req) u1=$(m "$kind-ping-$c1" cpu_us_per_req)
    y0=$(m "$kind-ping-$c0" sys_us_per_req) y1=$(m "$kind-ping-$c1" sys_us_per_req)
    x0=$(m "$kind-ping-$c0" cs_per_req) x1=$(m "$kind-ping-$c1" cs_per_req)
    [[ $r0 == - || $r1 == - || $u0 == - || $u1 == - ]] && continue
    # wrk is a closed loop: each connection waits for its answer. At a
    # constant CPU per request more connections only queue (latency grows
    # with them, throughput stays); CPU per request that grows with them
    # makes the work for N connections grow faster than N.
    if awk -v a="$u0" -v b="$u1" 'BEGIN { exit !(b > 1.15 * a) }'; then
      f="Faster than linear: serving N busy connections costs N × (CPU per request), and the CPU per request itself grows with N, so throughput falls instead of staying flat"
    else
      f="Linear: CPU per request stays within 15 %, so more connections only queue (latency grows with them, throughput stays)"
    fi
    echo "- $name /ping from $c0 to $c1 active connections (× $(num 0 "$(calc "$c1 / $c0")")):" \
      "rps $(num 0 "$r0") → $(num 0 "$r1") ($(pct "$r1" "$r0") %), server CPU per request" \
      "$(num 1 "$u0") → $(num 1 "$u1") µs ($(pct "$u1" "$u0") %), of which in the kernel" \
      "$(num 1 "$y0") → $(num 1 "$y1") µs; context switches per request (machine)" \
      "$(num 2 "$x0") → $(num 2 "$x1"). $f."
  done
}

write_report() {
  local date=$1
  awk -f "$(dirname "${BASH_SOURCE[0]}")/medians.awk" "$RAW" >"$MED"
  {
    echo "# actorgate benchmark, $date"
    echo
    echo "\`bench/run.sh${ARGS_TEXT}\`: each figure is the median of $RUNS run(s) of ${DURATION} s"
    echo "(first run of each scenario after a ${WARMUP} s warm-up). Config: \`$CONFIG\`"
    echo "(pool $POOL workers, backend $(ini_value "$CONFIG" compute-server threads) threads,"
    echo "scheduler.max-threads $(ini_value "$CONFIG" scheduler max-threads), $(ini_value "$CONFIG" http io-threads) IO thread)."
    echo "Per-run data: \`$(basename "$FINAL_RAW")\`; latency plot: \`$(basename "$PLOT")\`."
    echo
    machine_section
    echo
    echo "## Results"
    echo
    results_table
    echo
    ratios_section
    echo
    budget_section
    echo
    hold_section
    echo
    tls_section
    echo
    ws_section
    echo
    growth_section
    echo
    io_threads_section
    echo
    request_path_section
    echo
    interference_section
    echo
    echo "![latency percentiles]($(basename "$PLOT"))"
  } >"$REPORT"
}

write_plot() {
  local data="$LOGS/latency.dat" row scen label
  # Latency runs for the plot: scenario|label.
  local rows=(
    "gw-ping-4|gateway /ping"
    "beast-ping-4|Beast /ping"
    "nginx-ping-4|nginx /ping"
    "gw-echo-4|gateway /echo"
    "direct-echo|thrift echo (${POOL} thr)"
    "gw-work200-4|gateway /work?us=200"
    "direct-work200|thrift work(200) (${POOL} thr)"
    "gw-mixed-ping-4|gateway /ping, mixed"
    "nginx-mixed-ping-4|nginx /ping, mixed (32 thr)"
    "nginx-mixed8-ping-4|nginx /ping, mixed (${POOL} thr)"
  )
  : >"$data"
  for row in "${rows[@]}"; do
    IFS='|' read -r scen label <<<"$row"
    [[ $(m "$scen" p50_us) == - ]] && continue
    printf '"%s" %s %s %s\n' "$label" "$(ms "$(m "$scen" p50_us)")" \
      "$(ms "$(m "$scen" p99_us)")" "$(ms "$(m "$scen" p999_us)")" >>"$data"
  done
  gnuplot -e "datafile='$data'; outfile='$PLOT'; heading='actorgate latency percentiles, 4 connections (direct Thrift: $POOL threads), median of $RUNS runs'" \
    "$(dirname "${BASH_SOURCE[0]}")/latency.gp" || fail "gnuplot could not draw $PLOT"
}
