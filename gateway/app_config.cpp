#include "actorgate/gateway/app_config.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <caf/config_option_adder.hpp>
#include <caf/config_option_set.hpp>
#include <caf/settings.hpp>

namespace actorgate {

std::vector<option_group> gateway_groups(const std::vector<std::string>& pools) {
  std::vector<option_group> out{http_group().group(), log_group().group(), idl_group().group()};
  for (const auto& p : pools)
    out.push_back(pool_group(p).group());
  return out;
}

std::vector<option_group> backend_groups(const std::string& server) {
  return {server_group(server).group()};
}

app_config::app_config(std::vector<option_group> groups) : groups_(std::move(groups)) {
  for (std::size_t i = 0; i < groups_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (groups_[i].name == groups_[j].name)
        throw std::logic_error("config group [" + groups_[i].name + "] declared twice");
  for (const auto& g : groups_) {
    caf::config_option_adder add{custom_options_, g.name};
    for (const auto& o : g.options) {
      auto help = o.summary();
      switch (o.kind) {
      case value_kind::integer:
        add.add<std::int64_t>(o.name.c_str(), help.c_str());
        break;
      case value_kind::text:
        add.add<std::string>(o.name.c_str(), help.c_str());
        break;
      case value_kind::duration:
        add.add<caf::timespan>(o.name.c_str(), help.c_str());
        break;
      case value_kind::boolean:
        add.add<bool>(o.name.c_str(), help.c_str());
        break;
      }
    }
  }
}

std::optional<int> app_config::load(int argc, char** argv, const char* program, std::ostream& err) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return load(std::move(args), program, err);
}

std::optional<int> app_config::load(std::vector<std::string> args, const char* program,
                                    std::ostream& err) {
  // Ours alone: CAF must not see it.
  auto dump = std::find(args.begin(), args.end(), "--dump-config");
  bool dump_config = dump != args.end();
  if (dump_config)
    args.erase(dump);
  std::string file;
  bool explicit_file = false;
  bool long_help = false;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h" || a == "-?") {
      std::cout << help_text(program);
      return 0;
    }
    if (a == "--long-help")
      long_help = true;
    else if (a.rfind("--config-file=", 0) == 0) {
      file = a.substr(14);
      explicit_file = true;
    }
  }
  if (long_help) {
    std::cout << help_text(program);
    std::cout << "\nCAF's options:\n";
    std::cout << custom_options_.help_text(false);
    return 0;
  }
  if (!explicit_file) {
    file = default_file;
    if (!std::ifstream{file})
      file.clear(); // no default file: built-in defaults
  }
  if (!file.empty())
    if (auto problem = check_file(file)) {
      err << program << ": " << *problem << "\n";
      return 2;
    }
  for (auto& a : args) {
    if (a.rfind("--config-file=", 0) == 0)
      continue;
    if (auto problem = check_argument(a)) {
      err << program << ": " << *problem << "\n";
      return 2;
    }
    // CAF reads "--key=" as a missing value; an empty string is meant
    // ("--log.access-log=" turns the log off).
    if (a.back() == '=')
      a += "\"\"";
  }
  // CAF 0.17 takes a boolean on the command line only as a bare flag
  // (--http.metrics): --key=true/false is set after CAF's parse instead.
  std::vector<std::pair<std::string, bool>> flags;
  args.erase(std::remove_if(args.begin(), args.end(),
                            [&](const std::string& a) {
                              auto eq = a.find('=');
                              if (a.rfind("--", 0) != 0 || eq == std::string::npos)
                                return false;
                              auto key = a.substr(2, eq - 2);
                              auto opt = custom_options_.qualified_name_lookup(key);
                              if (opt == nullptr || !opt->is_flag())
                                return false;
                              flags.emplace_back(key, a.substr(eq + 1) == "true");
                              return true;
                            }),
             args.end());
  // CAF reads the file without options and would otherwise silently skip a
  // value of the wrong type; both were checked above, so this parse loads.
  std::ifstream in{file};
  std::stringstream none;
  auto parse_err = file.empty() ? parse(args, none) : parse(args, in);
  if (parse_err) {
    err << program << ": " << render(parse_err) << "\n";
    return 2;
  }
  for (const auto& [key, value] : flags)
    caf::put(content, key, value);
  if (!remainder.empty()) {
    err << program << ": unexpected argument '" << remainder.front() << "'\n";
    return 2;
  }
  if (auto problem = check_effective()) {
    err << program << ": " << *problem << "\n";
    return 2;
  }
  file_used_ = file.empty() ? "(none: built-in defaults)" : file;
  if (dump_config) {
    std::cout << dump_text(program) << std::flush;
    return 0;
  }
  return std::nullopt;
}

const option_group& app_config::declared(const std::string& kind, const std::string& group) const {
  for (const auto& g : groups_)
    if (g.name == group && g.kind == kind)
      return g;
  throw std::logic_error("no " + kind + " group [" + group +
                         "] was declared for this program: name it where the program's "
                         "configuration is made (e.g. gateway gw{argc, argv, \"prog\", {\"" +
                         group + "\"}})");
}

gateway_settings app_config::gateway() const {
  declared("http", "http");
  declared("log", "log");
  auto g = http_group().read(content);
  g.access_log = log_group().read(content).access_log;
  return g;
}

idl_settings app_config::idl() const {
  declared("idl", "idl");
  return idl_group().read(content);
}

rpc::pool_options app_config::pool(const std::string& group) const {
  declared("pool", group);
  return pool_group(group).read(content);
}

rpc::server_options app_config::server(const std::string& group) const {
  declared("server", group);
  return server_group(group).read(content);
}

} // namespace actorgate
