# Starting, watching and stopping the processes under test. Sourced by
# bench/run.sh. Every process started is remembered and stopped on exit.

STARTED_PIDS=()
CLK_TCK=$(getconf CLK_TCK)

# start_listening NAME LOG CMD...: starts CMD and waits for its "listening on
# ADDR:PORT" line; sets LISTEN_PID and LISTEN_PORT.
start_listening() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  LISTEN_PID=$!
  STARTED_PIDS+=("$LISTEN_PID")
  for _ in $(seq 100); do
    LISTEN_PORT=$(grep -m1 -oE 'listening on [a-z:/]*[0-9.]+:[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    [[ -n $LISTEN_PORT ]] && return 0
    kill -0 "$LISTEN_PID" 2>/dev/null || fail "$name exited at start: $(tail -5 "$log")"
    sleep 0.1
  done
  fail "$name did not print 'listening on' within 10 s: $(tail -5 "$log")"
}

# A port nobody listens on, for servers that cannot report an ephemeral one:
# below the kernel's ephemeral range, where the load generators' own
# connections (and those of earlier runs, in TIME_WAIT) cannot hold it.
free_port() {
  local p low
  low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  ((low > 11000)) || low=32768
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % (low - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  fail "no free port found"
}

# children PID: the direct children of PID (nginx's workers).
children() {
  local f line rest
  for f in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$f" || continue  # the process may be gone
    rest=${line##*) }
    read -r _ ppid _ <<<"$rest"
    if [[ $ppid == "$1" ]]; then
      f=${f#/proc/}
      echo "${f%/stat}"
    fi
  done
}

# start_nginx DIR [WORKER_CONNECTIONS [CERT KEY]]: nginx-light with 2 workers
# answering /ping, config in DIR; with CERT and KEY it speaks only TLS 1.2/1.3
# on that pair. WORKER_CONNECTIONS (default 10240, the gateway's
# max-connections in bench.ini) is per worker: without SO_REUSEPORT one worker
# may take nearly all connections. Sets NGINX_PIDS (master first) and
# NGINX_PORT.
start_nginx() {
  local attempt
  # Someone may bind the port between free_port and nginx: try another.
  for attempt in 1 2 3 4; do
    start_nginx_on "$1" "$(free_port)" "${2:-10240}" "${3:-}" "${4:-}" && return 0
    say "nginx could not bind port $NGINX_PORT (attempt $attempt); trying another"
  done
  fail "nginx exited at start: $(cat "$1/error.log" "$1/stdout.log" 2>/dev/null | tail -5)"
}

# start_nginx_on DIR PORT WORKER_CONNECTIONS CERT KEY: 0 once nginx serves,
# 1 if it could not bind PORT. CERT and KEY empty: plain HTTP.
start_nginx_on() {
  local dir=$1 conns=$3 cert=$4 key=$5 tls=""
  NGINX_PORT=$2
  rm -f "$dir/error.log" "$dir/stdout.log"
  mkdir -p "$dir"
  if [[ -n $cert ]]; then
    tls=" ssl;
    ssl_certificate $cert;
    ssl_certificate_key $key;
    ssl_protocols TLSv1.2 TLSv1.3"
  fi
  # keepalive_requests: nginx closes a connection after 1000 requests by
  # default; the gateway never does, so the baseline must not either.
  # backlog=4096: the gateway listens with SOMAXCONN (4096 here), nginx with
  # 511 by default, which would make nginx alone drop SYNs when 10,000
  # connections open at once. worker_rlimit_nofile: each worker may hold all
  # connections (the shell's limit is what the gateway gets too).
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 2;
worker_rlimit_nofile $(ulimit -n);
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $conns; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096$tls;
    location = /ping { default_type text/plain; return 200 "pong"; }
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
  local master=$!
  local -a workers
  STARTED_PIDS+=("$master")
  for _ in $(seq 100); do
    mapfile -t workers < <(children "$master")
    if ((${#workers[@]} == 2)) && (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
      # shellcheck disable=SC2034 # read by run.sh
      NGINX_PIDS="$master ${workers[*]}"
      return 0
    fi
    if ! kill -0 "$master" 2>/dev/null; then
      grep -q "Address already in use" "$dir/error.log" "$dir/stdout.log" 2>/dev/null && return 1
      fail "nginx exited at start: $(cat "$dir/error.log" "$dir/stdout.log" 2>/dev/null | tail -5)"
    fi
    sleep 0.1
  done
  fail "nginx did not start within 10 s"
}

# stop PID: SIGTERM, then SIGKILL after 15 s.
stop() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 150); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# stop_started PID: stops one process started here and forgets it.
stop_started() {
  local keep=() p
  stop "$1"
  for p in "${STARTED_PIDS[@]}"; do
    [[ $p == "$1" ]] || keep+=("$p")
  done
  STARTED_PIDS=("${keep[@]}")
}

stop_all() {
  local i
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    stop "${STARTED_PIDS[i]}"
  done
  STARTED_PIDS=()
}

# alive NAME PID...: fails the benchmark if a server under test died.
alive() {
  local name=$1 p
  shift
  for p in "$@"; do
    kill -0 "$p" 2>/dev/null || fail "$name (pid $p) died during the benchmark"
  done
}

# stat_ticks WHAT PID...: CPU time of the processes in clock ticks, WHAT
# being "all" (user + system) or "sys" (system, i.e. kernel, only).
stat_ticks() {
  local what=$1 p line rest total=0
  local -a f
  shift
  for p in "$@"; do
    read -r line <"/proc/$p/stat" || fail "process $p is gone"
    rest=${line##*) }
    # After "pid (comm) ": state is field 1, utime 12, stime 13.
    read -r -a f <<<"$rest"
    if [[ $what == sys ]]; then
      total=$((total + f[12]))
    else
      total=$((total + f[11] + f[12]))
    fi
  done
  echo "$total"
}

# cpu_ticks PID...: user + system CPU time of the processes, in clock ticks.
cpu_ticks() { stat_ticks all "$@"; }

# sys_ticks PID...: the system (kernel) part of cpu_ticks.
sys_ticks() { stat_ticks sys "$@"; }

# cpu_seconds TICKS0 TICKS1
cpu_seconds() { calc "($2 - $1) / $CLK_TCK"; }

# rss_kb PID...: summed VmRSS.
rss_kb() {
  local p total=0 kb
  for p in "$@"; do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status") || fail "process $p is gone"
    total=$((total + kb))
  done
  echo "$total"
}

# busy_percent SECONDS: share of all CPUs not idle over SECONDS.
busy_percent() {
  local a b
  a=$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
    t = y[1] - x[1]; i = y[2] - x[2]; printf "%.0f", (t > 0 ? 100 * (t - i) / t : 0) }'
}

# machine_ticks: user + nice + system time of all CPUs, in clock ticks. IRQ
# and softirq time are left out: the kernel charges our own loopback traffic
# there, not to any process, and it must not look like someone else's load.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4; exit }' /proc/stat; }

# steal_and_all_ticks: "STEAL ALL": ticks the host ran something else while
# this machine's virtual CPUs had work, and all ticks (busy, idle and
# stolen), on all CPUs since boot. Their deltas give the share stolen
# without knowing how long exactly the interval was.
steal_and_all_ticks() {
  awk '/^cpu / { print $9 + 0, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat
}

# stolen_pct STEAL0 ALL0 STEAL1 ALL1: the share of the CPU ticks between two
# steal_and_all_ticks readings that the host took, in %.
stolen_pct() { calc "100 * ($3 - $1) / ($4 - $2)"; }

# context_switches: context switches on the whole machine since boot.
context_switches() { awk '/^ctxt / { print $2; exit }' /proc/stat; }

# resched_ipis: rescheduling interrupts on all CPUs since boot: one CPU
# telling another to run a thread it just woke ahead of the current one.
resched_ipis() {
  awk '$1 == "RES:" { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' \
    /proc/interrupts
}

# read_reaped VAR: sets VAR to the CPU time of this shell's finished children
# (the load generators run in the foreground), in clock ticks. Never call it
# inside $(...): a forked shell starts with its children's times at zero.
read_reaped() {
  local f
  f=$(mktemp)
  times >"$f"
  printf -v "$1" '%s' "$(awk -v hz="$CLK_TCK" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) {
    split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%d", t * hz + 0.5 }' "$f")"
  rm -f "$f"
}

# The CPUs this script may run on (0 1 ...), read before split_cores pins
# anything: nproc would count only the pinned ones afterwards.
read -r -a ALLOWED_CPUS <<<"$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/$$/status | tr ',' '\n' |
  awk -F- '{ hi = $2 == "" ? $1 : $2; for (i = $1; i <= hi; i++) printf "%d ", i }')"

# split_cores on|off: "on" pins the backend to the last allowed CPU and the
# gateway and this script (so every load generator it starts) to the others,
# which is the shape of a deployment where the backend has hosts of its own;
# "off" gives all of them every allowed CPU again. Threads started later
# inherit the mask. Needs two allowed CPUs.
split_cores() {
  local all rest backend others
  all=$(IFS=,; echo "${ALLOWED_CPUS[*]}")
  rest=$(IFS=,; echo "${ALLOWED_CPUS[*]:0:${#ALLOWED_CPUS[@]}-1}")
  backend=$all others=$all
  [[ $1 == on ]] && backend=${ALLOWED_CPUS[-1]} others=$rest
  taskset -a -pc "$backend" "$BACKEND_PID" >/dev/null || fail "taskset on the backend failed"
  taskset -a -pc "$others" "$GW_PID" >/dev/null || fail "taskset on the gateway failed"
  taskset -pc "$others" $$ >/dev/null || fail "taskset on the benchmark script failed"
}

# make_test_cert DIR: a self-signed EC P-256 certificate for 127.0.0.1 (and
# its key) made now, for this run only: DIR/cert.pem, DIR/key.pem.
make_test_cert() {
  mkdir -p "$1"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$1/key.pem" -out "$1/cert.pem" >"$1/openssl.log" 2>&1 ||
    fail "openssl could not make the test certificate: $(tail -n 3 "$1/openssl.log")"
}

# tls_session PORT: "protocol cipher" a default OpenSSL client negotiates with
# 127.0.0.1:PORT (wrk uses OpenSSL with its defaults too), e.g.
# "TLSv1.3 TLS_AES_256_GCM_SHA384", from s_client's "New, ..., Cipher is ..."
# line (the gateway sends no session ticket, so there is no SSL-Session block).
tls_session() {
  local out session
  out=$(timeout 10 openssl s_client -connect "127.0.0.1:$1" -servername 127.0.0.1 \
    -CAfile "$TLS_CERT" </dev/null 2>&1) || true
  session=$(sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is \([A-Za-z0-9_-]*\)$/\1 \2/p' <<<"$out" | head -n 1)
  [[ -n $session ]] || fail "no TLS session with 127.0.0.1:$1: $(tail -n 3 <<<"$out")"
  echo "$session"
}
