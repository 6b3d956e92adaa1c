#include "actorgate/gateway/app_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
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

namespace actorgate {

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
      {"http", "max-uri-bytes", kind::integer, std::to_string(h.max_uri_bytes),
       "request targets longer than this get 414", 16, 1 << 20},
      {"http", "max-header-field-bytes", kind::integer, std::to_string(h.max_header_field_bytes),
       "a single header line longer than this gets 431", 16, 1 << 20},
      {"http", "max-headers", kind::integer, std::to_string(h.max_headers),
       "requests with more header fields than this get 431", 1, 10'000},
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
      {"http",
       "health-path",
       kind::text,
       quoted(g.health_path),
       "GET here answers 200 {\"status\":\"ok\"} while the process runs; \"\" disables",
       0,
       0,
       {},
       true},
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
      {"http",
       "ready-path",
       kind::text,
       quoted(g.ready_path),
       "GET here: 200 if every backend pool has an endpoint that takes calls, else 503; "
       "\"\" turns it off",
       0,
       0,
       {},
       true},
  };
}

// [log]: the access log.
std::vector<spec> log_specs() {
  const access_log_options a;
  return {
      {"log",
       "access-log",
       kind::text,
       quoted(a.target),
       "one line per request: \"stdout\", a file path (appended), or \"\" for none",
       0,
       0,
       {},
       true},
      {"log",
       "access-log-format",
       kind::text,
       quoted(a.format == access_log_format::plain ? "plain" : "json"),
       "\"plain\" (key=value) or \"json\" (one object per line)",
       0,
       0,
       {"plain", "json"}},
      {"log", "access-log-queue", kind::integer, std::to_string(a.queue_lines),
       "lines waiting to be written; when full the oldest are dropped and counted", 16, 1'000'000},
  };
}

// A Thrift client pool's options, under `group` ("backend" for Compute).
std::vector<spec> pool_specs(const std::string& group) {
  const rpc::pool_options p;
  const auto& t = p.endpoints.front();
  return {
      {group, "host", kind::text, quoted(t.host), "host of the backend this pool calls"},
      {group, "port", kind::integer, std::to_string(t.port), "port of that backend", 1, 65535},
      {group,
       "endpoints",
       kind::text,
       quoted(""),
       "several backends, \"host:port,host:port\"; replaces host and port when set",
       0,
       0,
       {},
       true},
      {group,
       "balance",
       kind::text,
       quoted(rpc::to_string(p.balance)),
       "how calls spread over endpoints: \"least-outstanding\" or \"round-robin\"",
       0,
       0,
       {"least-outstanding", "round-robin"}},
      {group,
       "transport",
       kind::text,
       quoted(transport_text(t.transport)),
       "Thrift transport: \"framed\" or \"buffered\" (must match the backend)",
       0,
       0,
       {"framed", "buffered"}},
      {group, "pool-size", kind::integer, std::to_string(p.workers),
       "blocking workers; each holds one connection per endpoint, so keep pool-size x gateways "
       "<= each backend's threads",
       1, 1024},
      {group, "queue-size", kind::integer, std::to_string(p.queue_limit),
       "calls waiting for a free worker; beyond it the client gets 503", 0, 1'000'000},
      {group, "chain-wait-us", kind::integer, std::to_string(p.chain_wait.count()),
       "microseconds a call may wait for a busy worker (at the pace of recent calls) before an "
       "idle one is woken for it; 0 wakes one for every call",
       0, 1'000'000},
      {group, "connect-timeout", kind::duration, duration_text(t.connect_timeout),
       "time to connect to the backend", 1, max_ms},
      {group, "call-timeout", kind::duration, duration_text(t.call_timeout),
       "longest a single call may take (the request's deadline may cut it shorter)", 1, max_ms},
      {group, "eject-after", kind::integer, std::to_string(p.health.eject_after),
       "failed calls in a row (refused, broken, call timeout) that take an endpoint out", 1, 1000},
      {group, "backoff-initial", kind::duration, duration_text(p.health.backoff_initial),
       "first wait before an ejected endpoint is probed (doubling, with jitter)", 1, max_ms},
      {group, "backoff-max", kind::duration, duration_text(p.health.backoff_max),
       "longest wait between probes of an ejected endpoint", 1, max_ms},
      {group, "retries", kind::integer, std::to_string(p.retry.max_retries),
       "extra attempts for a failed call that is safe to repeat", 0, 10},
      {group, "retry-budget", kind::integer, std::to_string(p.retry.budget_percent),
       "retries may add at most this many percent to the calls", 0, 100},
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
      {group, "max-frame-bytes", kind::integer, std::to_string(s.max_frame_bytes),
       "largest frame a framed client may announce (bytes)", 64, 1 << 30},
      {group, "max-message-bytes", kind::integer, std::to_string(s.max_message_bytes),
       "largest message a client may send (bytes)", 64, 1 << 30},
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

// "host:port,host:port" -> endpoints; false on a malformed item.
bool parse_endpoints(const std::string& text, std::vector<std::pair<std::string, int>>& out) {
  std::stringstream in{text};
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(' ');
    auto e = item.find_last_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
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
    out.emplace_back(item.substr(0, colon), port);
  }
  return !out.empty();
}

std::optional<std::string> check_endpoints(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  std::vector<std::pair<std::string, int>> eps;
  if (!parse_endpoints(text, eps))
    return "is \"" + text +
           "\", must be host:port items separated by commas, e.g. "
           "\"10.0.0.1:9090,10.0.0.2:9090\"";
  return std::nullopt;
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
  append(log_specs());
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
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return "config file '" + path + "': is a directory";
  std::ifstream in{path};
  if (!in) {
    int err = errno; // before any allocation below
    return "config file '" + path + "': cannot open it: " + std::strerror(err);
  }
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
      if (v->empty()) {
        if (s.may_be_empty)
          break;
        return "'" + key + "' must not be empty";
      }
      auto name = std::string(s.name);
      if (name.size() > 5 && name.compare(name.size() - 5, 5, "-path") == 0 && v->front() != '/')
        return "'" + key + "' is \"" + *v + "\", must be \"\" or start with /";
      if (name == "endpoints") {
        if (auto bad = check_endpoints(*v))
          return "'" + key + "' " + *bad;
        break;
      }
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
  for (const char* key : {"http.metrics-path", "http.admin-path"})
    if (caf::get_or(content, key, std::string{}) == "/")
      return "'" + std::string(key) + "' is \"/\", must name a path below it";
  if (!caf::get_or(content, "http.admin-path", std::string{}).empty() &&
      !caf::get_or(content, "http.metrics", true))
    return "'http.admin-path' needs http.metrics=true: the page draws the metrics";
  for (const auto& s : *specs_) {
    if (s.name != std::string("backoff-max"))
      continue;
    auto lo = caf::get_or(content, s.group + ".backoff-initial", caf::timespan{0});
    auto hi = caf::get_or(content, s.group + ".backoff-max", caf::timespan{0});
    if (lo.count() > 0 && hi.count() > 0 && lo > hi)
      return "'" + s.group + ".backoff-initial' must not exceed '" + s.group + ".backoff-max'";
  }
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
      << "  --dump-config" << std::string(27, ' ')
      << "print the effective configuration as a config file, then exit\n"
      << "  --help, --long-help" << std::string(21, ' ') << "this text; with CAF's own options\n";
  return out.str();
}

// Values go through CAF's own printer (a default is parsed first), so that a
// dump loaded back prints the same text: "60s" is read back as 1min either way.
std::string app_config::dump_text(const char* program) const {
  std::ostringstream out;
  out << "; " << program << " --dump-config: the effective configuration (built-in\n"
      << "; defaults, then the config file, then the command line). Load it with\n"
      << "; --config-file=PATH; CAF options not listed have CAF's defaults.\n";
  std::vector<std::string> ours;
  for (const auto& s : *specs_) {
    if (ours.empty() || ours.back() != s.group) {
      ours.push_back(s.group);
      out << "\n[" << s.group << "]\n";
    }
    out << s.name << "=";
    if (const auto* v = caf::get_if(&content, s.key()))
      out << caf::to_string(*v) << "\n";
    else if (auto parsed = caf::config_value::parse(s.fallback))
      out << caf::to_string(*parsed) << "\n";
    else
      out << s.fallback << "\n";
  }
  for (const auto& [group, value] : content) {
    const auto* entries = caf::get_if<caf::settings>(&value);
    if (entries == nullptr || std::find(ours.begin(), ours.end(), group) != ours.end())
      continue;
    out << "\n[" << group << "]\n";
    for (const auto& [name, v] : *entries)
      if (!caf::holds_alternative<caf::settings>(v))
        out << name << "=" << caf::to_string(v) << "\n";
  }
  return out.str();
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
  if (auto problem = check_ranges()) {
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
  h.max_uri_bytes = integer(c, "http.max-uri-bytes", h.max_uri_bytes);
  h.max_header_field_bytes = integer(c, "http.max-header-field-bytes", h.max_header_field_bytes);
  h.max_headers = integer(c, "http.max-headers", h.max_headers);
  h.max_body_bytes = integer(c, "http.max-body-bytes", h.max_body_bytes);
  h.read_timeout = ms(c, "http.read-timeout", h.read_timeout);
  h.idle_timeout = ms(c, "http.idle-timeout", h.idle_timeout);
  h.write_timeout = ms(c, "http.write-timeout", h.write_timeout);
  h.request_timeout = ms(c, "http.request-timeout", h.request_timeout);
  g.shutdown_grace = ms(c, "http.shutdown-grace", g.shutdown_grace);
  g.ready_path = caf::get_or(c, "http.ready-path", g.ready_path);
  g.metrics.enabled = caf::get_or(c, "http.metrics", g.metrics.enabled);
  g.metrics.path = caf::get_or(c, "http.metrics-path", g.metrics.path);
  g.metrics.admin_path = caf::get_or(c, "http.admin-path", g.metrics.admin_path);
  g.pool = pool("backend");
  // Operations: /health and the access log.
  g.health_path = caf::get_or(c, "http.health-path", g.health_path);
  auto& a = g.access_log;
  a.target = caf::get_or(c, "log.access-log", a.target);
  if (auto f = caf::get_if<std::string>(&c, "log.access-log-format"))
    a.format = *f == "plain" ? access_log_format::plain : access_log_format::json;
  a.queue_lines = integer(c, "log.access-log-queue", a.queue_lines);
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
  auto t = p.endpoints.front();
  const auto& c = content;
  auto key = [&](const char* name) { return group + "." + name; };
  t.host = caf::get_or(c, key("host"), t.host);
  t.port = integer(c, key("port"), t.port);
  t.transport = transport(c, key("transport"), t.transport);
  t.connect_timeout = ms(c, key("connect-timeout"), t.connect_timeout);
  t.call_timeout = ms(c, key("call-timeout"), t.call_timeout);
  std::vector<std::pair<std::string, int>> listed;
  p.endpoints.clear();
  if (parse_endpoints(caf::get_or(c, key("endpoints"), std::string{}), listed)) {
    for (const auto& [host, port] : listed) {
      auto ep = t;
      ep.host = host;
      ep.port = static_cast<std::uint16_t>(port);
      p.endpoints.push_back(ep);
    }
  } else {
    p.endpoints.push_back(t);
  }
  rpc::parse_balance(caf::get_or(c, key("balance"), std::string(rpc::to_string(p.balance))),
                     p.balance);
  p.workers = integer(c, key("pool-size"), p.workers);
  p.queue_limit = integer(c, key("queue-size"), p.queue_limit);
  p.chain_wait = std::chrono::microseconds(integer(c, key("chain-wait-us"), p.chain_wait.count()));
  p.health.eject_after = integer(c, key("eject-after"), p.health.eject_after);
  p.health.backoff_initial = ms(c, key("backoff-initial"), p.health.backoff_initial);
  p.health.backoff_max = ms(c, key("backoff-max"), p.health.backoff_max);
  p.retry.max_retries = integer(c, key("retries"), p.retry.max_retries);
  p.retry.budget_percent = integer(c, key("retry-budget"), p.retry.budget_percent);
  p.stats = std::make_shared<rpc::pool_stats>();
  p.stats->name = group;
  return p;
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
  s.max_frame_bytes = integer(c, key("max-frame-bytes"), s.max_frame_bytes);
  s.max_message_bytes = integer(c, key("max-message-bytes"), s.max_message_bytes);
  return s;
}

} // namespace actorgate
