#include "apps/app_config.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <vector>

#include <caf/config_option_adder.hpp>
#include <caf/config_option_set.hpp>
#include <caf/config_value.hpp>
#include <caf/pec.hpp>
#include <caf/settings.hpp>
#include <nlohmann/json.hpp>

namespace actorgate::apps {

enum class kind { integer, text, duration, boolean };

// One option of ours: where it lives, its type, default, limits and help.
struct spec {
  std::string group;
  const char* name;
  kind type;
  std::string fallback; // default, as it would be written in the file
  const char* help;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<std::string> choices = {};
  /// For text: whether "" is a valid value (it means "off").
  bool may_be_empty = false;

  std::string key() const { return group + "." + name; }
};

namespace {

using std::chrono::milliseconds;

std::string duration_text(milliseconds d) {
  auto n = d.count();
  if (n != 0 && n % 1000 == 0)
    return std::to_string(n / 1000) + "s";
  return std::to_string(n) + "ms";
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string transport_text(rpc::transport_kind t) {
  return t == rpc::transport_kind::framed ? "framed" : "buffered";
}

// Defaults come from the option structs themselves, so the help text, the
// shipped file and the code cannot disagree.
const std::int64_t max_ms = 3'600'000;

// Defaults come from the option structs themselves, so the help text, the
// shipped file and the code cannot disagree.
std::vector<spec> http_specs() {
  const http::server_options h;
  const gateway_settings g;
  return {
      {"http", "address", kind::text, quoted(h.address), "IP address the gateway listens on"},
      {"http", "port", kind::integer, std::to_string(h.port),
       "TCP port of the gateway; 0 picks a free port", 0, 65535},
      {"http", "io-threads", kind::integer, std::to_string(h.io_threads),
       "threads running HTTP sessions (Asio)", 1, 64},
      {"http", "max-connections", kind::integer, std::to_string(h.max_connections),
       "open connections beyond this are closed at accept", 1, 1'000'000},
      {"http", "max-header-bytes", kind::integer, std::to_string(h.max_header_bytes),
       "request line + headers larger than this get 431", 256, 1 << 20},
      {"http", "max-body-bytes", kind::integer, std::to_string(h.max_body_bytes),
       "request bodies larger than this get 413", 0, 1 << 30},
      {"http", "read-timeout", kind::duration, duration_text(h.read_timeout),
       "time from a request's first byte to its last", 1, max_ms},
      {"http", "idle-timeout", kind::duration, duration_text(h.idle_timeout),
       "time a keep-alive connection may wait for its next request", 1, max_ms},
      {"http", "write-timeout", kind::duration, duration_text(h.write_timeout),
       "time writing one response may take", 1, max_ms},
      {"http", "request-timeout", kind::duration, duration_text(h.request_timeout),
       "deadline of each request; past it the client gets 504", 1, max_ms},
      {"http", "shutdown-grace", kind::duration, duration_text(g.shutdown_grace),
       "on SIGTERM/SIGINT, how long requests in flight may take to finish", 0, max_ms},
      {"http", "metrics", kind::boolean, g.metrics.enabled ? "true" : "false",
       "count requests and serve Prometheus metrics at http.metrics-path"},
      {"http", "metrics-path", kind::text, quoted(g.metrics.path),
       "path of the metrics route (must start with '/')"},
      {"http",
       "admin-path",
       kind::text,
       quoted(g.metrics.admin_path),
       "path of the admin page (charts from the metrics); \"\" = no page",
       0,
       0,
       {},
       true},
  };
}

// A Thrift client pool's options, under `group` ("backend" for Compute).
std::vector<spec> pool_specs(const std::string& group) {
  const rpc::pool_options p;
  return {
      {group, "host", kind::text, quoted(p.worker.target.host),
       "host of the backend this pool calls"},
      {group, "port", kind::integer, std::to_string(p.worker.target.port), "port of that backend",
       1, 65535},
      {group,
       "transport",
       kind::text,
       quoted(transport_text(p.worker.target.transport)),
       "Thrift transport: \"framed\" or \"buffered\" (must match the backend)",
       0,
       0,
       {"framed", "buffered"}},
      {group, "pool-size", kind::integer, std::to_string(p.workers),
       "blocking workers = backend connections; keep pool-size x gateways <= backend threads", 1,
       1024},
      {group, "queue-size", kind::integer, std::to_string(p.queue_limit),
       "calls waiting for a free worker; beyond it the client gets 503", 0, 1'000'000},
      {group, "connect-timeout", kind::duration, duration_text(p.worker.target.connect_timeout),
       "time to connect to the backend", 1, max_ms},
      {group, "call-timeout", kind::duration, duration_text(p.worker.target.call_timeout),
       "longest a single call may take (the request's deadline may cut it shorter)", 1, max_ms},
      {group, "backoff-initial", kind::duration, duration_text(p.worker.backoff_initial),
       "after a failed connect, wait this long before the next (doubling)", 1, max_ms},
      {group, "backoff-max", kind::duration, duration_text(p.worker.backoff_max),
       "longest wait between connect attempts", 1, max_ms},
  };
}

// A Thrift TThreadPoolServer's options, under `group`.
std::vector<spec> server_specs(const std::string& group) {
  const rpc::server_options s;
  return {
      {group, "address", kind::text, quoted(s.address), "IP address the backend listens on"},
      {group, "port", kind::integer, std::to_string(s.port),
       "TCP port of the backend; 0 picks a free port", 0, 65535},
      {group, "threads", kind::integer, std::to_string(s.threads),
       "TThreadPoolServer threads = connections served at once", 1, 4096},
      {group,
       "transport",
       kind::text,
       quoted(transport_text(s.transport)),
       "Thrift transport: \"framed\" or \"buffered\"",
       0,
       0,
       {"framed", "buffered"}},
      {group, "recv-timeout", kind::duration, duration_text(s.recv_timeout),
       "a connection silent for this long is closed (frees its thread)", 1, max_ms},
      {group, "send-timeout", kind::duration, duration_text(s.send_timeout),
       "a client not reading its reply for this long is dropped", 1, max_ms},
      {group, "max-string-bytes", kind::integer, std::to_string(s.max_string_bytes),
       "largest string a request may declare (bytes)", 1, 1 << 30},
      {group, "max-container-items", kind::integer, std::to_string(s.max_container_items),
       "largest list/set/map a request may declare", 1, 1 << 30},
  };
}

const char* type_word(kind k) {
  switch (k) {
  case kind::integer:
    return "integer";
  case kind::text:
    return "string";
  case kind::duration:
    return "duration";
  case kind::boolean:
    return "boolean";
  }
  return "value";
}

// "parser_error(trailing_character, ({"column" = 13, "line" = 5}))" -> readable.
std::string describe_parse_error(const caf::error& err) {
  std::string what = caf::to_string(static_cast<caf::pec>(err.code()));
  std::string ctx = caf::to_string(err.context());
  std::smatch m;
  std::string where;
  if (std::regex_search(ctx, m, std::regex("\"line\" = ([0-9]+)")))
    where += "line " + m[1].str();
  if (std::regex_search(ctx, m, std::regex("\"column\" = ([0-9]+)")))
    where += (where.empty() ? "" : ", ") + std::string("column ") + m[1].str();
  std::string text = where.empty() ? what : where + ": " + what;
  if (what == "trailing_character" || what == "unexpected_character")
    text += " (string values must be quoted, e.g. host=\"127.0.0.1\")";
  return text;
}

std::string str(caf::string_view v) {
  return std::string(v.data(), v.size());
}

const spec* find_spec(const std::vector<spec>& all, const std::string& key) {
  for (const auto& s : all)
    if (s.key() == key)
      return &s;
  return nullptr;
}

std::string type_hint(const std::vector<spec>& all, const caf::config_option& opt) {
  if (const spec* s = find_spec(all, str(opt.full_name()))) {
    switch (s->type) {
    case kind::integer:
      return "an integer";
    case kind::text:
      return "a quoted string";
    case kind::duration:
      return "a duration such as 500ms or 5s";
    case kind::boolean:
      return "true or false";
    }
  }
  auto type = str(opt.type_name());
  if (type == "atom")
    return "an atom in single quotes, e.g. 'sharing'";
  return "a value of type " + type;
}

} // namespace

app_config::app_config(const std::vector<std::string>& pools,
                       const std::vector<std::string>& servers)
    : specs_(std::make_shared<std::vector<spec>>(http_specs())) {
  auto append = [this](std::vector<spec> more) {
    specs_->insert(specs_->end(), more.begin(), more.end());
  };
  append(pool_specs("backend"));
  for (const auto& g : pools)
    append(pool_specs(g));
  append(server_specs("compute-server"));
  for (const auto& g : servers)
    append(server_specs(g));
  for (const auto& s : *specs_) {
    caf::config_option_adder add{custom_options_, s.group};
    switch (s.type) {
    case kind::integer:
      add.add<std::int64_t>(s.name, s.help);
      break;
    case kind::text:
      add.add<std::string>(s.name, s.help);
      break;
    case kind::duration:
      add.add<caf::timespan>(s.name, s.help);
      break;
    case kind::boolean:
      add.add<bool>(s.name, s.help);
      break;
    }
  }
}

std::optional<std::string> app_config::check_file(const std::string& path) const {
  std::ifstream in{path};
  if (!in)
    return "config file '" + path + "': cannot open it";
  auto raw = parse_config(in);
  if (!raw)
    return "config file '" + path + "': " + describe_parse_error(raw.error());
  for (const auto& [group, value] : *raw) {
    auto* entries = caf::get_if<caf::settings>(&value);
    if (entries == nullptr)
      return "config file '" + path + "': key '" + group + "' must be inside a [group]";
    for (const auto& [name, v] : *entries) {
      auto opt = custom_options_.qualified_name_lookup(group, name);
      if (opt == nullptr)
        return "config file '" + path + "': unknown key '" + group + "." + name + "'";
      if (opt->check(v))
        return "config file '" + path + "': key '" + group + "." + name + "' must be " +
               type_hint(*specs_, *opt) + ", got " + caf::to_string(v);
    }
  }
  return std::nullopt;
}

std::optional<std::string> app_config::check_argument(const std::string& arg) const {
  if (arg.rfind("--", 0) != 0)
    return "unexpected argument '" + arg + "' (options look like --http.port=8081)";
  auto eq = arg.find('=');
  auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
  auto opt = custom_options_.qualified_name_lookup(name);
  if (opt == nullptr)
    return "unknown option '--" + name + "' (see --help)";
  if (eq == std::string::npos) {
    if (opt->is_flag())
      return std::nullopt;
    return "option '--" + name + "' needs a value: --" + name + "=...";
  }
  if (opt->is_flag()) {
    auto v = arg.substr(eq + 1);
    if (v == "true" || v == "false")
      return std::nullopt;
    return "option '--" + name + "' must be true or false, got '" + v + "'";
  }
  auto parsed = opt->parse(arg.substr(eq + 1));
  if (!parsed)
    return "option '--" + name + "' must be " + type_hint(*specs_, *opt) + ", got '" +
           arg.substr(eq + 1) + "'";
  return std::nullopt;
}

std::optional<std::string> app_config::check_ranges() const {
  for (const auto& s : *specs_) {
    auto key = s.key();
    switch (s.type) {
    case kind::integer: {
      auto v = caf::get_or(content, key, std::stoll(s.fallback));
      if (v < s.min || v > s.max)
        return "'" + key + "' is " + std::to_string(v) + ", must be between " +
               std::to_string(s.min) + " and " + std::to_string(s.max);
      break;
    }
    case kind::duration: {
      auto v = caf::get_or(content, key, caf::timespan{0});
      if (!caf::get_if<caf::timespan>(&content, key))
        break;
      auto ms = std::chrono::duration_cast<milliseconds>(v).count();
      if (ms < s.min || ms > s.max)
        return "'" + key + "' is " + std::to_string(ms) + "ms, must be between " +
               duration_text(milliseconds(s.min)) + " and " + duration_text(milliseconds(s.max));
      break;
    }
    case kind::text: {
      auto v = caf::get_if<std::string>(&content, key);
      if (!v)
        break;
      if (v->empty() && !s.may_be_empty)
        return "'" + key + "' must not be empty";
      if (!s.choices.empty() &&
          std::find(s.choices.begin(), s.choices.end(), *v) == s.choices.end()) {
        std::string allowed;
        for (const auto& c : s.choices)
          allowed += (allowed.empty() ? "\"" : " or \"") + c + "\"";
        return "'" + key + "' is \"" + *v + "\", must be " + allowed;
      }
      break;
    }
    case kind::boolean:
      break; // the type check was all
    }
  }
  for (const char* key : {"http.metrics-path", "http.admin-path"}) {
    auto path = caf::get_or(content, key, std::string{});
    if (!path.empty() && (path.front() != '/' || path == "/"))
      return "'" + std::string(key) + "' is \"" + path + "\", must start with '/' and name a path";
  }
  if (!caf::get_or(content, "http.admin-path", std::string{}).empty() &&
      !caf::get_or(content, "http.metrics", true))
    return "'http.admin-path' needs http.metrics=true: the page draws the metrics";
  auto lo = caf::get_or(content, "backend.backoff-initial", caf::timespan{0});
  auto hi = caf::get_or(content, "backend.backoff-max", caf::timespan{0});
  if (lo.count() > 0 && hi.count() > 0 && lo > hi)
    return "'backend.backoff-initial' must not exceed 'backend.backoff-max'";
  return std::nullopt;
}

std::string app_config::help_text(const char* program) const {
  std::ostringstream out;
  out << "usage: " << program << " [--config-file=PATH] [--group.key=value ...]\n\n"
      << "Options are read from the config file (default " << default_file
      << ", INI format) and may be overridden on the command line.\n";
  std::string group;
  for (const auto& s : *specs_) {
    if (group != s.group) {
      group = s.group;
      out << "\n[" << group << "]\n";
    }
    std::string lhs = "  --" + s.key() + "=<" + type_word(s.type) + ">";
    out << lhs << std::string(lhs.size() < 40 ? 40 - lhs.size() : 1, ' ') << s.help
        << " (default: " << s.fallback << ")\n";
  }
  out << "\n[scheduler] and other CAF groups: see --long-help\n"
      << "  --config-file=<path>" << std::string(20, ' ') << "config file to read\n"
      << "  --help, --long-help" << std::string(21, ' ') << "this text; with CAF's own options\n";
  return out.str();
}

std::optional<int> app_config::load(int argc, char** argv, const char* program, std::ostream& err) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return load(std::move(args), program, err);
}

std::optional<int> app_config::load(std::vector<std::string> args, const char* program,
                                    std::ostream& err) {
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
  for (const auto& a : args) {
    if (a.rfind("--config-file=", 0) == 0)
      continue;
    if (auto problem = check_argument(a)) {
      err << program << ": " << *problem << "\n";
      return 2;
    }
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
  if (auto problem = check_ranges()) {
    err << program << ": " << *problem << "\n";
    return 2;
  }
  file_used_ = file.empty() ? "(none: built-in defaults)" : file;
  return std::nullopt;
}

namespace {

milliseconds ms(const caf::settings& c, const std::string& key, milliseconds fallback) {
  return std::chrono::duration_cast<milliseconds>(
      caf::get_or(c, key, caf::timespan{std::chrono::duration_cast<caf::timespan>(fallback)}));
}

template <class T> T integer(const caf::settings& c, const std::string& key, T fallback) {
  return static_cast<T>(caf::get_or(c, key, static_cast<std::int64_t>(fallback)));
}

rpc::transport_kind transport(const caf::settings& c, const std::string& key,
                              rpc::transport_kind fallback) {
  auto t = fallback;
  rpc::parse_transport(caf::get_or(c, key, transport_text(fallback)), t);
  return t;
}

} // namespace

gateway_settings app_config::gateway() const {
  gateway_settings g;
  auto& h = g.http;
  const auto& c = content;
  h.address = caf::get_or(c, "http.address", h.address);
  h.port = integer(c, "http.port", h.port);
  h.io_threads = integer(c, "http.io-threads", h.io_threads);
  h.max_connections = integer(c, "http.max-connections", h.max_connections);
  h.max_header_bytes = integer(c, "http.max-header-bytes", h.max_header_bytes);
  h.max_body_bytes = integer(c, "http.max-body-bytes", h.max_body_bytes);
  h.read_timeout = ms(c, "http.read-timeout", h.read_timeout);
  h.idle_timeout = ms(c, "http.idle-timeout", h.idle_timeout);
  h.write_timeout = ms(c, "http.write-timeout", h.write_timeout);
  h.request_timeout = ms(c, "http.request-timeout", h.request_timeout);
  g.shutdown_grace = ms(c, "http.shutdown-grace", g.shutdown_grace);
  g.metrics.enabled = caf::get_or(c, "http.metrics", g.metrics.enabled);
  g.metrics.path = caf::get_or(c, "http.metrics-path", g.metrics.path);
  g.metrics.admin_path = caf::get_or(c, "http.admin-path", g.metrics.admin_path);
  g.pool = pool("backend");
  return g;
}

std::string app_config::settings_json() const {
  auto out = nlohmann::json::object();
  for (const auto& s : *specs_) {
    auto key = s.key();
    auto& v = out[s.group][s.name];
    switch (s.type) {
    case kind::integer:
      v = caf::get_or(content, key, std::stoll(s.fallback));
      break;
    case kind::text:
      v = caf::get_or(content, key, s.fallback.substr(1, s.fallback.size() - 2));
      break;
    case kind::duration:
      v = duration_text(ms(content, key, milliseconds(0)));
      if (!caf::get_if<caf::timespan>(&content, key))
        v = s.fallback;
      break;
    case kind::boolean:
      v = caf::get_or(content, key, s.fallback == "true");
      break;
    }
  }
  return out.dump();
}

rpc::pool_options app_config::pool(const std::string& group) const {
  rpc::pool_options p;
  auto& t = p.worker.target;
  const auto& c = content;
  auto key = [&](const char* name) { return group + "." + name; };
  t.host = caf::get_or(c, key("host"), t.host);
  t.port = integer(c, key("port"), t.port);
  t.transport = transport(c, key("transport"), t.transport);
  t.connect_timeout = ms(c, key("connect-timeout"), t.connect_timeout);
  t.call_timeout = ms(c, key("call-timeout"), t.call_timeout);
  p.workers = integer(c, key("pool-size"), p.workers);
  p.queue_limit = integer(c, key("queue-size"), p.queue_limit);
  p.worker.backoff_initial = ms(c, key("backoff-initial"), p.worker.backoff_initial);
  p.worker.backoff_max = ms(c, key("backoff-max"), p.worker.backoff_max);
  p.stats = std::make_shared<rpc::pool_stats>();
  p.stats->name = group;
  return p;
}

rpc::server_options app_config::backend() const {
  return server("compute-server");
}

rpc::server_options app_config::server(const std::string& group) const {
  rpc::server_options s;
  const auto& c = content;
  auto key = [&](const char* name) { return group + "." + name; };
  s.address = caf::get_or(c, key("address"), s.address);
  s.port = integer(c, key("port"), s.port);
  s.threads = integer(c, key("threads"), s.threads);
  s.transport = transport(c, key("transport"), s.transport);
  s.recv_timeout = ms(c, key("recv-timeout"), s.recv_timeout);
  s.send_timeout = ms(c, key("send-timeout"), s.send_timeout);
  s.max_string_bytes = integer(c, key("max-string-bytes"), s.max_string_bytes);
  s.max_container_items = integer(c, key("max-container-items"), s.max_container_items);
  return s;
}

} // namespace actorgate::apps
