// app_config: a program's configuration. CAF's INI file (default
// config/actorgate.ini) plus `--group.key=value` on the command line, over
// the option groups the program declares (option_groups.hpp), validated
// strictly: an unknown key, a value of the wrong type or an impossible value
// is one line on stderr and exit code 2. A group the program does not read
// is accepted in the file when its keys are those of a known kind of group
// (and checked as such), so that a gateway and its backends share one file.
//
//   app_config cfg{gateway_groups({"backend"})};
//   if (auto rc = cfg.load(argc, argv, "actorgate-server", std::cerr)) return *rc;
//   caf::actor_system sys{cfg};
//   auto g = cfg.gateway();
//   auto backend = cfg.pool("backend");
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "actorgate/gateway/option_groups.hpp"

namespace actorgate {

/// A gateway's groups: [http], [log], [idl] and one client-pool group per name.
std::vector<option_group> gateway_groups(const std::vector<std::string>& pools);
/// A backend's group: one TThreadPoolServer group.
std::vector<option_group> backend_groups(const std::string& server);

/// A config file listing every option of `groups` with its help, range and
/// default, between `header` (a comment) and `trailer` (verbatim). `values`
/// ("group.key" -> the text after '=') sets some to other than the default.
std::string config_file_text(const std::vector<option_group>& groups, const std::string& header,
                             const std::string& trailer,
                             const std::map<std::string, std::string>& values = {});

class app_config : public caf::actor_system_config {
public:
  /// The config file read when --config-file is not given (relative to the
  /// working directory); a missing default file means built-in defaults.
  static constexpr const char* default_file = "config/actorgate.ini";

  explicit app_config(std::vector<option_group> groups);

  /// Parses the file and the command line. Returns the exit code to stop
  /// with (0 after --help or --dump-config, 2 after an error, with one line
  /// on `err`), or nothing if the program should run.
  std::optional<int> load(int argc, char** argv, const char* program, std::ostream& err);
  /// Same for a list of arguments (without the program name).
  std::optional<int> load(std::vector<std::string> args, const char* program, std::ostream& err);

  /// [http] and [log]. Throws std::logic_error unless both are declared.
  gateway_settings gateway() const;
  /// [idl]. Throws std::logic_error unless it is declared.
  idl_settings idl() const;
  /// A client-pool group's options, e.g. pool("backend"). Asking for a group
  /// that was not declared as a pool is a programming error: it throws
  /// std::logic_error saying so, never silent defaults.
  rpc::pool_options pool(const std::string& group) const;
  /// A server group's options, e.g. server("compute-server"); same rule.
  rpc::server_options server(const std::string& group) const;

  const std::vector<option_group>& groups() const { return groups_; }
  const std::string& file_used() const { return file_used_; }

  /// Every option of ours with its effective value, as JSON:
  /// {"http": {"port": 8080, "read-timeout": "10s", ...}, "backend": {...}}.
  /// No option holds a secret yet; one that does must be left out here.
  std::string settings_json() const;
  /// Every option of ours with its type, first help sentence and default.
  std::string help_text(const char* program) const;
  /// The effective configuration as a config file: every option of ours
  /// and every other option that was set. What --dump-config prints; loading
  /// it back gives the same configuration and the same text.
  std::string dump_text(const char* program) const;

private:
  const option_group& declared(const std::string& kind, const std::string& group) const;
  std::optional<std::string> check_file(const std::string& path) const;
  std::optional<std::string> check_argument(const std::string& arg) const;
  std::optional<std::string> check_effective() const;

  std::vector<option_group> groups_;
  std::string file_used_;
};

} // namespace actorgate
