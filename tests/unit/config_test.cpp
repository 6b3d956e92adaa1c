#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actorgate/gateway/app_config.hpp"
#include "actorgate/gateway/config_check.hpp"
#include "apps/shipped_config.hpp"

using actorgate::app_config;

namespace {

// What the shipped config file holds: the gateway's [http], [backend] and
// [log], and the demo backend's [compute-server].
struct shipped_app : app_config {
  shipped_app() : app_config(compute::shipped_groups()) {}
};

// The same plus a user's own pool and server groups.
struct kv_app : app_config {
  static std::vector<actorgate::option_group> groups() {
    auto g = compute::shipped_groups();
    g.push_back(actorgate::pool_group("kv").group());
    g.push_back(actorgate::server_group("kv-server").group());
    return g;
  }
  kv_app() : app_config(groups()) {}
};

struct outcome {
  std::optional<int> rc;
  std::string err;
};

outcome load(std::vector<std::string> args) {
  shipped_app cfg;
  std::ostringstream err;
  outcome o;
  o.rc = cfg.load(std::move(args), "test", err);
  o.err = err.str();
  return o;
}

std::string write_file(const std::string& text) {
  static int n = 0;
  std::string path = "/tmp/actorgate-config-test-" + std::to_string(::getpid()) + "-" +
                     std::to_string(n++) + ".ini";
  std::ofstream{path} << text;
  return path;
}

// One line naming the key, exit code 2.
void check_rejected(const outcome& o, const std::string& key) {
  CHECK(o.rc == 2);
  CHECK(o.err.find(key) != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
}

} // namespace

TEST_CASE("config: command line values are read into typed settings") {
  shipped_app cfg;
  std::ostringstream err;
  auto rc = cfg.load({"--config-file=/dev/null", "--http.port=8081", "--backend.pool-size=3",
                      "--http.request-timeout=250ms", "--backend.transport=buffered",
                      "--compute-server.threads=5", "--http.address=0.0.0.0"},
                     "test", err);
  REQUIRE_FALSE(rc);
  auto g = cfg.gateway();
  CHECK(g.http.port == 8081);
  CHECK(g.http.address == "0.0.0.0");
  CHECK(g.http.request_timeout == std::chrono::milliseconds(250));
  CHECK(cfg.pool("backend").workers == 3);
  CHECK(cfg.pool("backend").endpoints.front().transport ==
        actorgate::rpc::transport_kind::buffered);
  CHECK(g.http.idle_timeout == std::chrono::seconds(30)); // default kept
  CHECK(cfg.server("compute-server").threads == 5);
  CHECK(g.metrics.enabled); // default kept
}

TEST_CASE("config: metrics switch and path") {
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(cfg.load(
      {"--config-file=/dev/null", "--http.metrics=false", "--http.metrics-path=/stats/prom"},
      "test", err));
  CHECK_FALSE(cfg.gateway().metrics.enabled);
  CHECK(cfg.gateway().metrics.path == "/stats/prom");
  auto path = write_file("[http]\nmetrics=false\n");
  shipped_app from_file;
  REQUIRE_FALSE(from_file.load({"--config-file=" + path}, "test", err));
  CHECK_FALSE(from_file.gateway().metrics.enabled);
  std::remove(path.c_str());
  check_rejected(load({"--config-file=" + write_file("[http]\nmetrics=1\n")}), "http.metrics");
  check_rejected(load({"--config-file=/dev/null", "--http.admin-path=admin"}), "http.admin-path");
  check_rejected(load({"--config-file=/dev/null", "--http.admin-path=/"}), "http.admin-path");
  check_rejected(
      load({"--config-file=/dev/null", "--http.admin-path=/admin", "--http.metrics=false"}),
      "http.admin-path");
}

TEST_CASE("config: the effective settings as JSON") {
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(
      cfg.load({"--config-file=/dev/null", "--http.port=8081", "--http.admin-path=/ops",
                "--backend.call-timeout=1500ms", "--http.metrics=false", "--http.admin-path=\"\""},
               "test", err));
  auto j = nlohmann::json::parse(cfg.settings_json());
  CHECK(j["http"]["port"] == 8081);
  CHECK(j["http"]["address"] == "127.0.0.1");
  CHECK(j["http"]["read-timeout"] == "10s");
  CHECK(j["http"]["metrics"] == false);
  CHECK(j["http"]["admin-path"] == "");
  CHECK(j["backend"]["call-timeout"] == "1500ms");
  CHECK(j["backend"]["transport"] == "framed");
  CHECK(j["compute-server"]["threads"] == 16);
}

TEST_CASE("config: file values and the command line overrides the file") {
  auto path = write_file("[http]\nport=9000\nidle-timeout=2s\n[backend]\nhost=\"10.0.0.1\"\n");
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(cfg.load({"--config-file=" + path, "--http.port=9001"}, "test", err));
  auto g = cfg.gateway();
  CHECK(g.http.port == 9001);
  CHECK(g.http.idle_timeout == std::chrono::seconds(2));
  CHECK(cfg.pool("backend").endpoints.front().host == "10.0.0.1");
  std::remove(path.c_str());
}

TEST_CASE("config: the shipped file loads and keeps the pool within the backend's threads") {
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(
      cfg.load({"--config-file=" ACTORGATE_SOURCE_DIR "/config/actorgate.ini"}, "test", err));
  CHECK(err.str().empty());
  CHECK(cfg.pool("backend").workers <= cfg.server("compute-server").threads);
  CHECK(cfg.pool("backend").endpoints.front().port == cfg.server("compute-server").port);
}

TEST_CASE("config: the shipped file states the built-in defaults") {
  // README promises that running without the file changes nothing.
  shipped_app shipped;
  shipped_app builtin;
  std::ostringstream err;
  REQUIRE_FALSE(
      shipped.load({"--config-file=" ACTORGATE_SOURCE_DIR "/config/actorgate.ini"}, "test", err));
  REQUIRE_FALSE(builtin.load({"--config-file=/dev/null"}, "test", err));
  auto a = shipped.gateway();
  auto b = builtin.gateway();
  auto ap = shipped.pool("backend");
  auto bp = builtin.pool("backend");
  CHECK(a.http.address == b.http.address);
  CHECK(a.http.port == b.http.port);
  CHECK(a.http.io_threads == b.http.io_threads);
  CHECK(a.http.max_connections == b.http.max_connections);
  CHECK(a.http.max_header_bytes == b.http.max_header_bytes);
  CHECK(a.http.max_body_bytes == b.http.max_body_bytes);
  CHECK(a.http.read_timeout == b.http.read_timeout);
  CHECK(a.http.idle_timeout == b.http.idle_timeout);
  CHECK(a.http.write_timeout == b.http.write_timeout);
  CHECK(a.http.request_timeout == b.http.request_timeout);
  CHECK(a.shutdown_grace == b.shutdown_grace);
  CHECK(a.metrics.enabled == b.metrics.enabled);
  CHECK(a.metrics.path == b.metrics.path);
  CHECK(a.metrics.admin_path == b.metrics.admin_path);
  CHECK(ap.workers == bp.workers);
  CHECK(ap.queue_limit == bp.queue_limit);
  CHECK(ap.endpoints.front().host == bp.endpoints.front().host);
  CHECK(ap.endpoints.front().port == bp.endpoints.front().port);
  CHECK(ap.endpoints.front().transport == bp.endpoints.front().transport);
  CHECK(ap.endpoints.front().connect_timeout == bp.endpoints.front().connect_timeout);
  CHECK(ap.endpoints.front().call_timeout == bp.endpoints.front().call_timeout);
  CHECK(ap.health.backoff_initial == bp.health.backoff_initial);
  CHECK(ap.health.backoff_max == bp.health.backoff_max);
  auto x = shipped.server("compute-server");
  auto y = builtin.server("compute-server");
  CHECK(x.address == y.address);
  CHECK(x.port == y.port);
  CHECK(x.threads == y.threads);
  CHECK(x.transport == y.transport);
  CHECK(x.recv_timeout == y.recv_timeout);
  CHECK(x.send_timeout == y.send_timeout);
  CHECK(x.max_string_bytes == y.max_string_bytes);
  CHECK(x.max_container_items == y.max_container_items);
  CHECK(a.health_path == b.health_path);
  CHECK(a.access_log.target == b.access_log.target);
  CHECK(a.access_log.format == b.access_log.format);
  CHECK(a.access_log.queue_lines == b.access_log.queue_lines);
}

TEST_CASE("config: extra pool and server groups for a user's own backends") {
  kv_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(cfg.load(
      {"--config-file=/dev/null", "--kv.port=7001", "--kv.pool-size=2", "--kv-server.threads=3"},
      "test", err));
  CHECK(cfg.pool("kv").endpoints.front().port == 7001);
  CHECK(cfg.pool("kv").workers == 2);
  CHECK(cfg.server("kv-server").threads == 3);
  CHECK(cfg.pool("backend").endpoints.front().port == 9090); // [backend] untouched
  check_rejected(load({"--config-file=/dev/null", "--kv.port=7001"}), "kv.port"); // not declared
}

TEST_CASE("config: bad command line options are one line and exit code 2") {
  check_rejected(load({"--config-file=/dev/null", "--http.port=70000"}), "http.port");
  check_rejected(load({"--config-file=/dev/null", "--http.port=-1"}), "http.port");
  check_rejected(load({"--config-file=/dev/null", "--backend.pool-size=0"}), "backend.pool-size");
  check_rejected(load({"--config-file=/dev/null", "--http.port=abc"}), "http.port");
  check_rejected(load({"--config-file=/dev/null", "--http.bogus=1"}), "http.bogus");
  check_rejected(load({"--config-file=/dev/null", "--backend.transport=udp"}), "backend.transport");
  check_rejected(load({"--config-file=/dev/null", "--http.read-timeout=5"}), "http.read-timeout");
  check_rejected(
      load({"--config-file=/dev/null", "--backend.backoff-initial=2s", "--backend.backoff-max=1s"}),
      "backend.backoff-initial");
  check_rejected(load({"--config-file=/dev/null", "stray"}), "stray");
  check_rejected(load({"--config-file=/dev/null", "--backend.endpoints=a:1,b"}),
                 "backend.endpoints");
  check_rejected(load({"--config-file=/dev/null", "--backend.endpoints=a:70000"}),
                 "backend.endpoints");
  check_rejected(load({"--config-file=/dev/null", "--backend.balance=random"}), "backend.balance");
  check_rejected(load({"--config-file=/dev/null", "--backend.retry-budget=101"}),
                 "backend.retry-budget");
  check_rejected(load({"--config-file=/dev/null", "--http.ready-path=ready"}), "http.ready-path");
}

TEST_CASE("config: several endpoints share the pool's transport and timeouts") {
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(
      cfg.load({"--config-file=/dev/null", "--backend.endpoints=10.0.0.1:9000, backend-2:9001",
                "--backend.transport=buffered", "--backend.call-timeout=750ms"},
               "test", err));
  auto p = cfg.pool("backend");
  REQUIRE(p.endpoints.size() == 2);
  CHECK(p.endpoints[0].host == "10.0.0.1");
  CHECK(p.endpoints[0].port == 9000);
  CHECK(p.endpoints[1].host == "backend-2");
  CHECK(p.endpoints[1].port == 9001);
  CHECK(p.endpoints[1].transport == actorgate::rpc::transport_kind::buffered);
  CHECK(p.endpoints[1].call_timeout == std::chrono::milliseconds(750));
  CHECK(p.stats->name == "backend");
  check_rejected(load({"--config-file=/dev/null", "--http.metrics=maybe"}), "http.metrics");
  check_rejected(load({"--config-file=/dev/null", "--http.metrics-path=metrics"}),
                 "http.metrics-path");
  check_rejected(load({"--config-file=/dev/null", "--http.metrics-path="}), "http.metrics-path");
}

TEST_CASE("config: bad file contents are one line naming the key exit code 2") {
  check_rejected(load({"--config-file=" + write_file("[http]\nport=\"x\"\n")}), "http.port");
  check_rejected(load({"--config-file=" + write_file("[http]\nbogus=1\n")}), "http.bogus");
  check_rejected(load({"--config-file=" + write_file("[nosuch]\nkey=1\n")}), "nosuch.key");
  check_rejected(load({"--config-file=" + write_file("[http]\nport=70000\n")}), "http.port");
  check_rejected(load({"--config-file=" + write_file("[backend]\npool-size=0\n")}),
                 "backend.pool-size");
  check_rejected(load({"--config-file=" + write_file("[http]\nread-timeout=5\n")}),
                 "http.read-timeout");
  // Unquoted string: a syntax error, reported with its line.
  check_rejected(load({"--config-file=" + write_file("[http]\naddress=1.2.3.4\n")}), "line 2");
  check_rejected(load({"--config-file=/nonexistent/actorgate.ini"}),
                 "'/nonexistent/actorgate.ini': cannot open it: No such file or directory");
  // A directory opens as a stream that reads nothing: not an empty config.
  check_rejected(load({"--config-file=/tmp"}), "'/tmp': is a directory");
}

TEST_CASE("config: --help lists every option with its default") {
  shipped_app cfg;
  auto help = cfg.help_text("test");
  for (const char* line :
       {"--http.port=<integer>", "default: 8080)", "--http.request-timeout=<duration>",
        "default: 5s)", "--backend.pool-size=<integer>", "--backend.transport=<string>",
        "default: \"framed\")", "--compute-server.threads=<integer>", "default: 16)"})
    CHECK_MESSAGE(help.find(line) != std::string::npos, line);
}

namespace {

// "group.key" -> value text, for every key=value line under a [group].
std::map<std::string, std::string> ini_entries(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in{text};
  std::string line, group;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, std::regex(R"(\[([a-z-]+)\])")))
      group = m[1];
    else if (std::regex_match(line, m, std::regex(R"(([a-z-]+)=(.*))")))
      out[group + "." + m[1].str()] = m[2];
  }
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string dump(app_config& cfg, std::vector<std::string> args) {
  std::ostringstream err;
  REQUIRE_FALSE(cfg.load(std::move(args), "test", err));
  return cfg.dump_text("test");
}

} // namespace

TEST_CASE("config: the dump loads back to the same text with command line values in it") {
  shipped_app first;
  auto text =
      dump(first, {"--config-file=/dev/null", "--http.port=1234",
                   "--log.access-log=/tmp/a \"quoted\" \\ log", "--compute-server.recv-timeout=60s",
                   "--http.health-path=", "--scheduler.max-threads=3"});
  auto entries = ini_entries(text);
  CHECK(entries["http.port"] == "1234");
  CHECK(entries["http.health-path"] == "\"\"");
  CHECK(entries["scheduler.max-threads"] == "3");
  auto path = write_file(text);
  shipped_app second;
  CHECK(dump(second, {"--config-file=" + path}) == text);
  CHECK(second.gateway().access_log.target == "/tmp/a \"quoted\" \\ log");
  CHECK(second.gateway().http.port == 1234);
  std::remove(path.c_str());
}

TEST_CASE("config: the dump covers the extra pool and server groups") {
  kv_app cfg;
  auto entries = ini_entries(dump(cfg, {"--config-file=/dev/null", "--kv.port=7001"}));
  CHECK(entries["kv.port"] == "7001");
  for (const auto& [key, value] : entries) {
    auto group = key.substr(0, key.find('.'));
    auto name = key.substr(key.find('.') + 1);
    if (group == "backend")
      CHECK_MESSAGE(entries.count("kv." + name) == 1, key);
    if (group == "compute-server")
      CHECK_MESSAGE(entries.count("kv-server." + name) == 1, key);
  }
}

TEST_CASE("config: the shipped file lists every option and --help documents each") {
  kv_app builtin;
  auto dumped = ini_entries(dump(builtin, {"--config-file=/dev/null"}));
  auto shipped = ini_entries(read_text(ACTORGATE_SOURCE_DIR "/config/actorgate.ini"));
  auto help = builtin.help_text("test");
  std::set<std::string> documented;
  for (const auto& [key, value] : dumped) {
    // "  --group.key=<type>   meaning (default: value)" on one line.
    auto at = help.find("--" + key + "=<");
    REQUIRE_MESSAGE(at != std::string::npos, key);
    auto line = help.substr(at, help.find('\n', at) - at);
    CHECK_MESSAGE(std::regex_search(line, std::regex(R"(=<(integer|string|duration|boolean)>)")),
                  line);
    CHECK_MESSAGE(line.find("default: ") != std::string::npos, line);
    auto group = key.substr(0, key.find('.'));
    if (group != "kv" && group != "kv-server")
      CHECK_MESSAGE(shipped.count(key) == 1, key << " is missing from config/actorgate.ini");
  }
  for (const auto& [key, value] : shipped)
    if (key.rfind("scheduler.", 0) != 0)
      CHECK_MESSAGE(dumped.count(key) == 1, key << " in config/actorgate.ini is not an option");
  CHECK(help.find("--dump-config") != std::string::npos);
}

TEST_CASE("config: health-path and access-log may be empty and are checked") {
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(cfg.load({"--config-file=/dev/null", "--http.health-path=", "--log.access-log=",
                          "--log.access-log-format=plain"},
                         "test", err));
  CHECK(cfg.gateway().health_path.empty());
  CHECK(cfg.gateway().access_log.target.empty());
  CHECK(cfg.gateway().access_log.format == actorgate::access_log_format::plain);
  check_rejected(load({"--config-file=/dev/null", "--http.health-path=health"}),
                 "http.health-path");
  check_rejected(load({"--config-file=/dev/null", "--log.access-log-format=xml"}),
                 "log.access-log-format");
  check_rejected(load({"--config-file=/dev/null", "--log.access-log-queue=0"}),
                 "log.access-log-queue");
  check_rejected(load({"--config-file=" + write_file("[log]\naccess-log=stdout\n")}), "line 2");
}

TEST_CASE("config: the shipped file is the text the option declarations make") {
  auto want = compute::shipped_config();
  auto have = read_text(ACTORGATE_SOURCE_DIR "/config/actorgate.ini");
  if (have != want) {
    std::ofstream{"actorgate.ini.generated"} << want;
    FAIL("config/actorgate.ini is out of date with gateway/option_groups.cpp: regenerate it "
         "with build/apps/actorgate-server --print-shipped-config > config/actorgate.ini");
  }
}

TEST_CASE("config: every declared default is a valid value with help") {
  for (const auto& g : compute::shipped_groups()) {
    for (const auto& o : g.options) {
      auto key = g.key(o);
      CHECK_MESSAGE(!o.help.empty(), key);
      auto v = caf::config_value::parse(o.fallback);
      REQUIRE_MESSAGE(v, key << ": " << o.fallback);
      CHECK_MESSAGE(actorgate::check_value(o, key, *v).empty(), key);
    }
  }
}

TEST_CASE("config: a pool or server group that was not declared is an error, not defaults") {
  shipped_app cfg;
  std::ostringstream err;
  REQUIRE_FALSE(cfg.load({"--config-file=/dev/null"}, "test", err));
  CHECK_THROWS_AS(cfg.pool("kv"), std::logic_error);
  CHECK_THROWS_AS(cfg.server("kv-server"), std::logic_error);
  CHECK_THROWS_AS(cfg.pool("compute-server"), std::logic_error); // a server group, not a pool
  app_config backend_only{actorgate::backend_groups("kv-server")};
  REQUIRE_FALSE(backend_only.load({"--config-file=/dev/null"}, "test", err));
  CHECK_THROWS_AS(backend_only.gateway(), std::logic_error);
}

TEST_CASE("config: a gateway and a backend of a user's service share one file") {
  auto path = write_file("[http]\nport=8081\n[log]\naccess-log=\"\"\n"
                         "[kv]\nport=7001\npool-size=4\n"
                         "[kv-server]\nport=7001\nthreads=8\n[scheduler]\nmax-threads=2\n");
  app_config gw{actorgate::gateway_groups({"kv"})};
  std::ostringstream err;
  REQUIRE_FALSE(gw.load({"--config-file=" + path}, "kv-gateway", err));
  CHECK(gw.pool("kv").workers == 4);
  CHECK(gw.gateway().http.port == 8081);
  app_config be{actorgate::backend_groups("kv-server")};
  REQUIRE_FALSE(be.load({"--config-file=" + path}, "kv-backend", err));
  CHECK(be.server("kv-server").threads == 8);
  CHECK(err.str().empty());
  // Each lists only its own groups.
  CHECK(be.help_text("kv-backend").find("[http]") == std::string::npos);
  CHECK(be.help_text("kv-backend").find("--kv-server.threads") != std::string::npos);
  CHECK(gw.help_text("kv-gateway").find("kv-server") == std::string::npos);

  // Another program's group is still checked as the kind its keys make it.
  auto check = [](const std::string& text, const std::string& key) {
    app_config gw2{actorgate::gateway_groups({"kv"})};
    std::ostringstream e;
    CHECK(gw2.load({"--config-file=" + write_file(text)}, "kv-gateway", e) == 2);
    CHECK_MESSAGE(e.str().find(key) != std::string::npos, e.str());
  };
  check("[kv-server]\nthreads=0\n", "kv-server.threads");        // a server group's range
  check("[kv-server]\nthreads=8\nbogus=1\n", "kv-server.bogus"); // no kind has these keys
  check("[other]\nport=\"x\"\n", "other.port");                  // the wrong type
  app_config be2{actorgate::backend_groups("kv-server")};
  std::ostringstream e;
  CHECK(be2.load({"--config-file=" + write_file("[http]\nport=70000\n")}, "kv-backend", e) == 2);
  CHECK(e.str().find("http.port") != std::string::npos);
  // On the command line only the program's own keys are taken.
  CHECK(be2.load({"--config-file=/dev/null", "--http.port=1"}, "kv-backend", e) == 2);
  std::remove(path.c_str());
}
