#include "actorgate/gateway/option_groups.hpp"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

#include "actorgate/rpc/discovery.hpp"

namespace actorgate {

namespace {

using G = gateway_settings;
using H = http::server_options;
using P = rpc::pool_options;
using E = rpc::endpoint;
using S = rpc::server_options;

constexpr std::int64_t max_ms = 3'600'000;

std::string path_rule(const std::string& v) {
  if (!v.empty() && v.front() != '/')
    return "must be \"\" or start with /";
  return {};
}

std::string route_path_rule(const std::string& v) {
  if (v == "/")
    return "must name a path below /";
  return path_rule(v);
}

// The pool's first endpoint: what host, port, transport and the timeouts
// fill; `endpoints` copies it for each listed address.
template <class M> auto first_endpoint(M E::*member) {
  return [member](P & p) -> auto& {
    return p.endpoints.front().*member;
  };
}

const std::vector<std::pair<std::string, rpc::transport_kind>> transports = {
    {"framed", rpc::transport_kind::framed}, {"buffered", rpc::transport_kind::buffered}};

// One item of `endpoints`: a literal host:port, or dns:NAME:PORT (`dns`).
struct listed_endpoint {
  std::string host;
  std::uint16_t port = 0;
  bool dns = false;
};

bool parse_endpoint_list(const std::string& text, std::vector<listed_endpoint>& out) {
  std::stringstream in{text};
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(' ');
    auto e = item.find_last_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    // Before the host:port split: "dns:name:9090" would otherwise pass as
    // the host "dns:name".
    if (item.rfind("dns:", 0) == 0) {
      listed_endpoint d;
      d.dns = true;
      if (!rpc::parse_dns_item(item, d.host, d.port))
        return false;
      out.push_back(d);
      continue;
    }
    auto colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
      return false;
    auto port_text = item.substr(colon + 1);
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    auto port = std::stoi(port_text);
    if (port < 1 || port > 65535)
      return false;
    out.push_back({item.substr(0, colon), static_cast<std::uint16_t>(port), false});
  }
  return !out.empty();
}

} // namespace

const group_schema<G>& http_group() {
  static const auto g = [] {
    group_schema<G> s{"http", "http", ""};
    s.text("address", at(&G::http, &H::address), false,
           "IP address the gateway listens on (use \"0.0.0.0\" to accept from anywhere).")
        .integer("port", at(&G::http, &H::port), 0, 65535, "",
                 "TCP port; 0 picks a free port (the chosen one is printed at start-up).")
        .integer("io-threads", at(&G::http, &H::io_threads), 1, 64, "threads",
                 "Threads running HTTP sessions and hosted actors. Stateless routes get a "
                 "replica on each (gw.per_thread); pools and stateful actors live on the first. "
                 "On this 2-core machine, with wrk on the same cores, 2 threads gave /ping at 64 "
                 "connections +5% (141k vs 134k rps) but /echo -4%, /work -4% and /ping at 4 "
                 "connections -18%: one stays the default here; raise it with the cores.")
        .integer("max-connections", at(&G::http, &H::max_connections), 1, 1'000'000, "connections",
                 "Connections beyond this are closed right after accept.")
        .integer("max-header-bytes", at(&G::http, &H::max_header_bytes), 256, 1 << 20, "bytes",
                 "Request line + headers larger than this get 431; a chunk header or trailer "
                 "may take this + 68 KiB before it gets 400.")
        .integer("max-uri-bytes", at(&G::http, &H::max_uri_bytes), 16, 1 << 20, "bytes",
                 "Request targets (path and query) longer than this get 414.")
        .integer("max-header-field-bytes", at(&G::http, &H::max_header_field_bytes), 16, 1 << 20,
                 "bytes", "A single header line longer than this gets 431.")
        .integer("max-headers", at(&G::http, &H::max_headers), 1, 10'000, "fields",
                 "Requests with more header fields than this get 431.")
        .integer("max-body-bytes", at(&G::http, &H::max_body_bytes), 0, 1 << 30, "bytes",
                 "Request bodies larger than this get 413.")
        .duration("read-timeout", at(&G::http, &H::read_timeout), 1, max_ms,
                  "Time from a request's first byte to its last.")
        .duration("idle-timeout", at(&G::http, &H::idle_timeout), 1, max_ms,
                  "Time a keep-alive connection may wait for its next request.")
        .duration("write-timeout", at(&G::http, &H::write_timeout), 1, max_ms,
                  "Time writing one response may take.")
        .duration("request-timeout", at(&G::http, &H::request_timeout), 1, max_ms,
                  "Deadline of each request: past it the client gets 504, and backend calls are "
                  "cut to the time that remains.")
        .text("tls-cert", at(&G::http, &H::tls_cert), true,
              "PEM file with the certificate chain (the server's certificate first). With "
              "tls-key set as well, the listener speaks only TLS (1.2 and 1.3; plain HTTP is "
              "never served on it), the handshake is bounded by read-timeout, and SIGHUP "
              "reloads both files: new connections get the new pair, open ones keep theirs, "
              "and a pair that fails to load is logged and the old one kept. \"\": plain HTTP.")
        .text("tls-key", at(&G::http, &H::tls_key), true,
              "PEM file with the private key of tls-cert (unencrypted; readable by the gateway "
              "only).")
        .integer("ws-max-queued-messages", at(&G::http, &H::ws_max_queued_messages), 1, 1'000'000,
                 "messages",
                 "WebSocket: frames an actor may have handed to one connection and not yet "
                 "written (a slow or stalled client); one more closes it with 1008.")
        .integer("ws-max-message-bytes", at(&G::http, &H::ws_max_message_bytes), 1, 1 << 30,
                 "bytes", "WebSocket: a received message larger than this closes with 1009.")
        .duration("ws-idle-timeout", at(&G::http, &H::ws_idle_timeout), 1, max_ms,
                  "WebSocket: a connection that receives nothing for this long is closed; it "
                  "is pinged at half this time, so a live client always answers.")
        .duration("drain-delay", at(&G::drain_delay), 0, max_ms,
                  "On SIGTERM/SIGINT, first: ready-path answers 503 at once while every other "
                  "request is served as usual for this long, so that a load balancer or "
                  "Kubernetes, polling ready-path, takes the gateway out of rotation before it "
                  "stops accepting; then the shutdown-grace drain. Behind one, set it to more "
                  "than the balancer's check interval x its fall count (HAProxy: inter x fall; "
                  "Kubernetes: readiness periodSeconds x failureThreshold). A second signal cuts "
                  "it short. 0: drain at once.")
        .duration("shutdown-grace", at(&G::shutdown_grace), 0, max_ms,
                  "On SIGTERM/SIGINT, after drain-delay: stop accepting, then give requests in "
                  "flight this long.")
        .text("health-path", at(&G::health_path), true,
              "Liveness probe: GET on this path answers 200 {\"status\":\"ok\"} from an actor on "
              "the IO thread, without any backend; it fails only if the process or its HTTP side "
              "is stuck. \"\" removes the route. A route of your own on the same path wins.",
              path_rule)
        .text("ready-path", at(&G::ready_path), true,
              "GET here answers 200 {\"status\":\"ready\",...} while every backend pool has an "
              "endpoint that takes calls, else 503 naming the pool: for load balancers and "
              "orchestrators. \"\" turns it off.",
              path_rule)
        .boolean("metrics", at(&G::metrics, &metrics_settings::enabled),
                 "Count requests (by route pattern, method and status class), time them, and "
                 "serve those numbers with the pools' and the process's in Prometheus' text "
                 "format at metrics-path. Counting is a few relaxed atomic additions per request, "
                 "no lock. false: no counting, no route.")
        .text("metrics-path", at(&G::metrics, &metrics_settings::path), false,
              "Path of the metrics route; must start with '/' and differ from every route.",
              route_path_rule)
        .text("admin-path", at(&G::metrics, &metrics_settings::admin_path), true,
              "Path of the admin page: charts of request rates, latency percentiles, pool "
              "occupancy and endpoint health, drawn from the metrics route every second, and the "
              "effective configuration (as JSON at admin-path + \"/config\"). \"\" serves no "
              "page. It needs metrics=true. Anyone who can reach the gateway can read both: "
              "enable it only where that is fine, e.g. admin-path=\"/admin\".",
              route_path_rule)
        .check([](const G& g, const std::string&) -> std::string {
          if (!g.metrics.admin_path.empty() && !g.metrics.enabled)
            return "'http.admin-path' needs http.metrics=true: the page draws the metrics";
          if (g.http.tls_cert.empty() != g.http.tls_key.empty())
            return g.http.tls_cert.empty() ? "'http.tls-key' needs http.tls-cert as well"
                                           : "'http.tls-cert' needs http.tls-key as well";
          return {};
        });
    return s;
  }();
  return g;
}

const group_schema<G>& log_group() {
  static const auto g = [] {
    using A = access_log_options;
    group_schema<G> s{"log", "log", ""};
    s.text("access-log", at(&G::access_log, &A::target), true,
           "The access log: one line per answered request (time, request id, client, method, "
           "target, route, status, bytes, duration, backend time). \"stdout\", a file path "
           "(appended to; reopen by restarting), or \"\" for none. Default \"stdout\": a "
           "production gateway needs a record of its requests, and stdout needs no writable path "
           "and is what systemd's journal and container runtimes collect. Lines are written by a "
           "thread of their own through a bounded queue, so a slow disk or reader never holds up "
           "a request; it costs some throughput on a saturated machine (README, \"Operating "
           "actorgate\").")
        .choice("access-log-format", at(&G::access_log, &A::format),
                std::vector<std::pair<std::string, access_log_format>>{
                    {"json", access_log_format::json}, {"plain", access_log_format::plain}},
                "\"json\" (one object per line: what log collectors parse without a regex) or "
                "\"plain\" (key=value pairs separated by spaces, for people and grep).")
        .integer("access-log-queue", at(&G::access_log, &A::queue_lines), 16, 1'000'000, "lines",
                 "Lines waiting for the writer thread. When the sink cannot keep up and the "
                 "queue is full, the oldest waiting lines are dropped, counted, and the count "
                 "printed at shutdown. 8192 lines of about 250 bytes: 2 MB.");
    return s;
  }();
  return g;
}

group_schema<P> pool_group(const std::string& name) {
  group_schema<P> s{"pool", name,
                    "A pool of blocking workers calling one Thrift service (a TThreadPoolServer)."};
  s.text("host", first_endpoint(&E::host), false, "Host of the backend this pool calls.")
      .integer("port", first_endpoint(&E::port), 1, 65535, "", "Port of that backend.")
      .choice("transport", first_endpoint(&E::transport), transports,
              "\"framed\" or \"buffered\"; must match the backend's transport.")
      .duration("connect-timeout", first_endpoint(&E::connect_timeout), 1, max_ms,
                "Time to connect to the backend.")
      .duration("call-timeout", first_endpoint(&E::call_timeout), 1, max_ms,
                "Longest a single call may take (the request's deadline may cut it shorter).")
      .text_for_then(
          "endpoints", true,
          "Several instances of that backend, e.g. \"10.0.0.1:9090,10.0.0.2:9090\"; when set it "
          "replaces host and port, each taking the transport and timeouts above. Calls spread "
          "over the endpoints that are healthy. An item \"dns:NAME:PORT\" stands for every A "
          "and AAAA record of NAME, resolved at start and again every dns-refresh: an address "
          "that appears joins the pool, one that goes takes no new call (calls in flight "
          "finish, then its connections close). An empty answer or a failed resolution keeps "
          "the last good addresses (one line on stderr). If the first resolution fails, calls "
          "get 503 until one succeeds. Literal items may be mixed in "
          "(\"dns:backends.local:9090,10.0.0.5:9090\").",
          [](const std::string& v) -> std::string {
            std::vector<listed_endpoint> eps;
            if (!v.empty() && !parse_endpoint_list(v, eps))
              return "must be host:port or dns:NAME:PORT items separated by commas, e.g. "
                     "\"10.0.0.1:9090,dns:backends.local:9090\"";
            return {};
          })
      .duration("dns-refresh", at(&P::dns_refresh), 10, max_ms,
                "How often the dns: names of endpoints are resolved again. A change in DNS "
                "reaches the pool within about this long (plus the record's caching in the "
                "servers asked).")
      .text("dns-servers", at(&P::dns_servers), true,
            "DNS servers asked for the dns: names of endpoints, \"ip:port\" items separated by "
            "commas (\"[v6]:port\" for IPv6), e.g. \"10.0.0.2:53\"; they alone are asked "
            "(not /etc/hosts). \"\" uses the system's resolver configuration "
            "(/etc/resolv.conf, /etc/hosts).",
            [](const std::string& v) -> std::string {
              if (!rpc::parse_dns_servers(v))
                return "must be \"\" or ip:port items separated by commas, e.g. "
                       "\"10.0.0.2:53,[fd00::2]:53\"";
              return {};
            })
      .choice("balance", at(&P::balance),
              std::vector<std::pair<std::string, rpc::balance_kind>>{
                  {"least-outstanding", rpc::balance_kind::least_outstanding},
                  {"round-robin", rpc::balance_kind::round_robin}},
              "\"least-outstanding\" (the endpoint with the fewest calls in flight: slow "
              "instances get less) or \"round-robin\".")
      .integer("pool-size", at(&P::workers), 1, 1024, "workers",
               "Blocking workers, each with one Thrift connection per endpoint. A "
               "TThreadPoolServer serves one connection per thread and lets the rest wait "
               "silently, so keep pool-size x (number of gateways) <= the threads of every "
               "endpoint. A call that gets no answer on a new connection while the others answer "
               "is reported as thread exhaustion (503, and a log line).")
      .integer("queue-size", at(&P::queue_limit), 0, 1'000'000, "calls",
               "Calls waiting for a free worker; beyond this the client gets 503 at once.")
      .integer("chain-wait-us", at(&P::chain_wait), 0, 1'000'000, "microseconds",
               "Microseconds a call may wait for a busy worker, at the pace of the recent calls, "
               "before a sleeping worker is woken for it. Waking a thread costs it and the HTTP "
               "thread a system call and a context switch each, more than a short call's own "
               "work: within this bound a few workers go from call to call and the rest sleep "
               "(an A/B on 2 cores, /echo at 64 connections: +7 to +13 % requests/s; at 4 "
               "connections less latency). While recent calls took longer than this on average, "
               "no call waits while a worker sleeps; nor for a worker whose call has run longer "
               "than this: what waits for one goes to a sleeping worker within max(1 ms, this). "
               "Too high serializes calls the backend could run in parallel: 1000 halves "
               "/work?us=200 at 4 connections on 2 cores. 0 wakes a worker for every call.")
      .integer("eject-after", at(&P::health, &rpc::health_options::eject_after), 1, 1000, "calls",
               "Passive health: this many failed calls in a row (connection refused or broken, "
               "call-timeout reached) take an endpoint out of the rotation; health checks that "
               "time out count too (see health-interval).")
      .duration("backoff-initial", at(&P::health, &rpc::health_options::backoff_initial), 1, max_ms,
                "An ejected endpoint is probed (a connect, without traffic) after this long, "
                "doubling with jitter up to backoff-max; when the probe connects it takes calls "
                "again. While every endpoint is out the circuit is open: calls get 503 at once "
                "instead of a connect timeout each.")
      .duration("backoff-max", at(&P::health, &rpc::health_options::backoff_max), 1, max_ms,
                "Longest wait between probes of an ejected endpoint: it bounds how long a backend "
                "that came back waits to be used.")
      .duration("health-interval", at(&P::health, &rpc::health_options::check_interval), 0, max_ms,
                "Active health: this often each endpoint gets a TCP connect, closed at once, so "
                "that an endpoint whose backend died or came back while no call went to it is "
                "taken out or back in all the same, and the circuit and GET /ready follow. A "
                "refused connect takes the endpoint out at once; a check that times out counts "
                "toward eject-after like a failed call; one that connects takes an ejected "
                "endpoint back. An endpoint that answered a call within the interval is not "
                "checked. The connects come from one thread per pool, never from a worker, and "
                "each is closed before the backend serves it (a backend thread reads its EOF "
                "at most), so the sizing rule above is unchanged. 0 turns the checks off "
                "(health is then passive only).")
      .integer("retries", at(&P::retry, &rpc::retry_options::max_retries), 0, 10, "attempts",
               "A failed call is tried again on another endpoint (if there is one) when that is "
               "safe: the connection was refused (nothing was sent), or the call is marked "
               "idempotent. Never past the request's deadline.")
      .integer("retry-budget", at(&P::retry, &rpc::retry_options::budget_percent), 0, 100,
               "percent",
               "Retries may add at most this many percent to the calls (a token bucket), so that "
               "a sick backend does not get its load multiplied.")
      .then([](const caf::settings& c, const std::string& group, P& p) {
        std::vector<listed_endpoint> listed;
        if (auto text = caf::get_if<std::string>(&c, group + ".endpoints");
            text && parse_endpoint_list(*text, listed)) {
          auto model = p.endpoints.front();
          p.endpoints.clear();
          p.discover.clear();
          for (const auto& l : listed) {
            auto ep = model;
            ep.host = l.host;
            ep.port = l.port;
            (l.dns ? p.discover : p.endpoints).push_back(ep);
          }
        }
        p.stats = std::make_shared<rpc::pool_stats>();
        p.stats->name = group;
      })
      .check([](const P& p, const std::string& group) -> std::string {
        if (p.health.backoff_initial > p.health.backoff_max)
          return "'" + group + ".backoff-initial' must not exceed '" + group + ".backoff-max'";
        return {};
      });
  return s;
}

group_schema<idl_settings> idl_group(const std::string& name) {
  using I = idl_settings;
  group_schema<I> s{"idl", name,
                    "A Thrift service served over HTTP/JSON from its IDL, with no code: every "
                    "method as POST {prefix}/{method}, the http.get/post/put/patch/delete "
                    "annotations as REST routes, and {prefix}/openapi.json. The other keys are "
                    "those of a pool group, for the pool that calls it."};
  s.text("file", at(&I::source, &idl_source::file), true,
         "The .thrift file to serve (its includes are resolved beside it), or a model "
         "written by `thrift --gen xml:merge` (a .xml file); \"\" serves no IDL. Compiled at "
         "start-up: an IDL error stops the gateway with exit code 2.")
      .text("service", at(&I::source, &idl_source::service), true,
            "The service to serve, by name (\"Shop\") or module and name (\"shop.Shop\"); \"\" "
            "when the file has exactly one.")
      .text("prefix", at(&I::source, &idl_source::prefix), false,
            "Path under which its routes are served.", route_path_rule)
      .text("compiler", at(&I::source, &idl_source::compiler), false,
            "The Thrift compiler run on a .thrift file: a path, or a name looked up in PATH.")
      .include(pool_group(name), at(&I::pool));
  return s;
}

group_schema<S> server_group(const std::string& name) {
  group_schema<S> s{"server", name, "A Thrift TThreadPoolServer (a backend)."};
  s.text("address", at(&S::address), false, "IP address the backend listens on.")
      .integer("port", at(&S::port), 0, 65535, "", "TCP port of the backend; 0 picks a free port.")
      .integer("threads", at(&S::threads), 1, 4096, "threads",
               "TThreadPoolServer threads = client connections served at once.")
      .choice("transport", at(&S::transport), transports,
              "\"framed\" (what async Thrift clients in other languages speak) or \"buffered\".")
      .duration("recv-timeout", at(&S::recv_timeout), 1, max_ms,
                "A connection that sends nothing for this long is closed: every connection holds "
                "a server thread, so idle or stalled clients must not keep them. The gateway "
                "notices the close and reconnects on its next call.")
      .duration("send-timeout", at(&S::send_timeout), 1, max_ms,
                "A client that does not read its reply for this long is dropped.")
      .integer("max-string-bytes", at(&S::max_string_bytes), 1, 1 << 30, "bytes",
               "Largest string a request may declare. Without it a 4-byte length field makes the "
               "server allocate GBs.")
      .integer("max-container-items", at(&S::max_container_items), 1, 1 << 30, "items",
               "Largest list, set or map a request may declare.")
      .integer("max-frame-bytes", at(&S::max_frame_bytes), 64, 1 << 30, "bytes",
               "Thrift's TConfiguration: the largest frame a framed client may announce. A "
               "connection that breaks it is closed before anything that size is allocated; "
               "others are not affected.")
      .integer("max-message-bytes", at(&S::max_message_bytes), 64, 1 << 30, "bytes",
               "Thrift's TConfiguration: the largest message a client may send, framed or not.");
  return s;
}

} // namespace actorgate
