// app_config: the one configuration of the gateway and the backend. CAF's
// INI file (default config/actorgate.ini) plus `--group.key=value` on the
// command line, validated strictly: an unknown key, a value of the wrong type
// or an impossible value is one line on stderr and exit code 2.
//
//   app_config cfg;
//   if (auto rc = cfg.load(argc, argv, "actorgate-server")) return *rc;
//   caf::actor_system sys{cfg};
//   auto g = cfg.gateway();
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "actorgate/gateway/access_log.hpp"
#include "actorgate/http/server_options.hpp"
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

struct gateway_settings {
  http::server_options http;
  metrics_settings metrics;
  rpc::pool_options pool;
  std::chrono::milliseconds shutdown_grace{10'000};
  /// GET here answers 200 {"status":"ok"}; empty: no such route.
  std::string health_path = "/health";
  access_log_options access_log;
  /// GET here answers whether every pool can reach a backend; "" = off.
  std::string ready_path = "/ready";
};

struct spec;

class app_config : public caf::actor_system_config {
public:
  /// The config file read when --config-file is not given (relative to the
  /// working directory); a missing default file means built-in defaults.
  static constexpr const char* default_file = "config/actorgate.ini";

  /// Declares the shipped groups ([http], [backend], [compute-server]) plus
  /// one client-pool group per name in `pools` (the keys of [backend]) and
  /// one server group per name in `servers` (the keys of [compute-server]).
  explicit app_config(const std::vector<std::string>& pools = {},
                      const std::vector<std::string>& servers = {});

  /// Parses the file and the command line. Returns the exit code to stop
  /// with (0 after --help or --dump-config, 2 after an error, with one line
  /// on `err`), or nothing if the program should run.
  std::optional<int> load(int argc, char** argv, const char* program, std::ostream& err);

  /// Same for a list of arguments (without the program name).
  std::optional<int> load(std::vector<std::string> args, const char* program, std::ostream& err);

  gateway_settings gateway() const;
  /// A client-pool group's options, e.g. pool("backend").
  rpc::pool_options pool(const std::string& group) const;
  /// A server group's options, e.g. server("compute-server").
  rpc::server_options server(const std::string& group) const;
  const std::string& file_used() const { return file_used_; }

  /// Every option of ours with its effective value, as JSON:
  /// {"http": {"port": 8080, "read-timeout": "10s", ...}, "backend": {...}}.
  /// No option holds a secret yet; one that does must be left out here.
  std::string settings_json() const;

  /// Every option of ours with its type, meaning and default.
  std::string help_text(const char* program) const;

  /// The effective configuration as a config file: every option of ours
  /// and every CAF option that was set. What --dump-config prints; loading
  /// it back gives the same configuration and the same text.
  std::string dump_text(const char* program) const;

private:
  std::optional<std::string> check_file(const std::string& path) const;
  std::optional<std::string> check_argument(const std::string& arg) const;
  std::optional<std::string> check_ranges() const;

  std::string file_used_;
  std::shared_ptr<std::vector<spec>> specs_;
};

} // namespace actorgate
