// The option groups the framework knows, each option declared once (see
// option_schema.hpp): [http] and [log] of a gateway, a Thrift client pool
// group (any name: [backend], [kv]) and a TThreadPoolServer group (any name:
// [compute-server], [kv-server]).
//
//   gateway_settings g = http_group().read(cfg.content);
//   rpc::pool_options kv = pool_group("kv").read(cfg.content);
#pragma once

#include <chrono>
#include <string>

#include "actorgate/gateway/access_log.hpp"
#include "actorgate/gateway/option_schema.hpp"
#include "actorgate/http/server_options.hpp"
#include "actorgate/idl/source.hpp"
#include "actorgate/rpc/backend_server.hpp"
#include "actorgate/rpc/pool.hpp"

namespace actorgate {

/// What the gateway serves about itself ([http] metrics, metrics-path).
struct metrics_settings {
  /// Count requests and serve them at `path` (Prometheus text format).
  bool enabled = true;
  std::string path = "/metrics";
  /// The admin page's path ("" = no page); its config at admin_path + "/config".
  std::string admin_path;
};

/// The gateway's own settings: [http] and [log].
struct gateway_settings {
  http::server_options http;
  metrics_settings metrics;
  std::chrono::milliseconds shutdown_grace{10'000};
  /// On SIGTERM/SIGINT: how long /ready answers 503 while everything else
  /// is served as usual, before the shutdown_grace drain.
  std::chrono::milliseconds drain_delay{0};
  /// GET here answers 200 {"status":"ok"}; empty: no such route.
  std::string health_path = "/health";
  /// GET here answers whether every pool can reach a backend; "" = off.
  std::string ready_path = "/ready";
  access_log_options access_log;
};

/// [idl]: a Thrift service served over HTTP/JSON from its IDL alone.
struct idl_settings {
  /// file "" serves no IDL.
  idl_source source;
  /// The pool of blocking workers that calls the service.
  rpc::pool_options pool;
};

/// [http]: the listener, limits, timeouts, request deadline, drain, the
/// health, ready and metrics routes.
const group_schema<gateway_settings>& http_group();
/// [log]: the access log (fills gateway_settings::access_log).
const group_schema<gateway_settings>& log_group();
/// A Thrift client pool's group, e.g. [backend] or [kv].
group_schema<rpc::pool_options> pool_group(const std::string& name);
/// [idl]: the IDL to serve and every key of a pool group for its backend.
group_schema<idl_settings> idl_group(const std::string& name = "idl");
/// A TThreadPoolServer's group, e.g. [compute-server].
group_schema<rpc::server_options> server_group(const std::string& name);

} // namespace actorgate
