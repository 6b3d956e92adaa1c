// Operating the gateway, through the real actorgate-server and
// compute-backend: --dump-config, /health, request ids, the access log
// (plain, JSON, a stalled sink) and the start-up and shutdown summaries.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_server.hpp"
#include "tests/support/process.hpp"

using namespace actorgate;
using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

std::string temp_path(const std::string& what) {
  static int n = 0;
  return "/tmp/actorgate-ops-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
         what;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(line);
  return out;
}

// Runs the gateway binary to its end; returns its stdout.
std::string run_to_exit(std::vector<std::string> args) {
  process p{gateway_binary(), std::move(args)};
  auto rc = p.wait(10s);
  REQUIRE(rc);
  CHECK(*rc == 0);
  p.wait_for_line("\x01", 1s); // until the output's end: the marker never comes
  return p.output();
}

bool generated_id(const std::string& id) {
  return std::regex_match(id, std::regex("[0-9a-f]{16}"));
}

// A plain access log line: "<time> key=value key=value ...".
std::map<std::string, std::string> parse_plain(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream in{line};
  in >> out["time"];
  for (std::string token; in >> token;) {
    auto eq = token.find('=');
    REQUIRE_MESSAGE(eq != std::string::npos, token);
    out[token.substr(0, eq)] = token.substr(eq + 1);
  }
  return out;
}

const std::regex iso_time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");

// The requests both access log tests send, and what each must log.
struct logged_request {
  std::string target, id, route;
  unsigned status;
  bool backend;
};

const std::vector<logged_request> sample_requests = {
    {"/echo?msg=hi", "echo-1", "/echo", 200, true},
    {"/ping", "ping-1", "/ping", 200, false},
    {"/nowhere", "", "", 404, false},
    {"/echo", "no-msg-1", "/echo", 400, false},
};

// Sends sample_requests to a gateway logging to a file in `format`, stops
// it, and returns the file's lines.
std::vector<std::string> log_sample_requests(const std::string& format) {
  auto path = temp_path("access.log");
  backend_process be;
  gateway_process gw{be.port, {"--log.access-log=" + path, "--log.access-log-format=" + format}};
  http_client c{gw.port};
  for (const auto& r : sample_requests) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!r.id.empty())
      headers.push_back({"X-Request-Id", r.id});
    CHECK(c.request("GET", r.target, 10s, headers).status == r.status);
  }
  stop_and_check(gw.proc, "actorgate-server");
  auto lines = lines_of(read_text(path));
  std::remove(path.c_str());
  return lines;
}

} // namespace

TEST_CASE("dump-config output loads back unchanged and shows command line values") {
  auto first = run_to_exit({"--dump-config", "--http.port=1234", "--backend.pool-size=3"});
  CHECK(first.find("[http]\n") != std::string::npos);
  CHECK(first.find("\nport=1234\n") != std::string::npos);
  CHECK(first.find("\npool-size=3\n") != std::string::npos);
  CHECK(first.find("[log]\n") != std::string::npos);
  auto path = temp_path("dump.ini");
  std::ofstream{path} << first;
  auto second = run_to_exit({"--config-file=" + path, "--dump-config"});
  CHECK(second == first);
  std::remove(path.c_str());
}

TEST_CASE("health answers 200 from an actor without any backend") {
  // Port 1: nothing listens there, so every backend call would fail.
  gateway_process gw{1};
  http_client c{gw.port};
  auto r = c.get("/health");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"status":"ok"})");
  CHECK(r.header("content-type") == "application/json");
  CHECK(c.request("HEAD", "/health").status == 200);
  CHECK(c.get("/echo?msg=x").status == 503); // the backend is indeed down
}

TEST_CASE("health path is configurable and can be turned off") {
  {
    gateway_process gw{1, {"--http.health-path=/alive"}};
    CHECK(http_get(gw.port, "/alive").status == 200);
    CHECK(http_get(gw.port, "/health").status == 404);
  }
  gateway_process gw{1, {"--http.health-path="}};
  CHECK(http_get(gw.port, "/health").status == 404);
  CHECK(gw.proc.output().find("GET /health") == std::string::npos);
}

TEST_CASE("X-Request-Id is echoed when sane and replaced otherwise") {
  gateway_process gw{1};
  http_client c{gw.port};
  auto with_id = [&](const std::string& id) {
    return c.request("GET", "/ping", 10s, {{"X-Request-Id", id}}).header("x-request-id");
  };
  CHECK(with_id("client-id-42") == "client-id-42");
  CHECK(with_id(std::string(128, 'a')) == std::string(128, 'a'));
  CHECK(generated_id(with_id(std::string(129, 'a'))));
  CHECK(generated_id(with_id("has space")));
  CHECK(generated_id(with_id("caf\xc3\xa9")));
  CHECK(generated_id(c.get("/ping").header("x-request-id")));
}

TEST_CASE("generated request ids are unique across 1000 requests") {
  gateway_process gw{1};
  http_client c{gw.port};
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    auto id = c.get("/ping").header("x-request-id");
    CHECK(generated_id(id));
    ids.insert(id);
  }
  CHECK(ids.size() == 1000);
}

TEST_CASE("every response carries X-Request-Id and a Date, including 404 400 and 504") {
  backend_process be;
  gateway_process gw{be.port, {"--http.request-timeout=200ms"}};
  http_client c{gw.port};
  auto missing = c.request("GET", "/nowhere", 10s, {{"X-Request-Id", "r-404"}});
  CHECK(missing.status == 404);
  CHECK(missing.header("x-request-id") == "r-404");
  auto invalid = c.request("GET", "/work?us=x", 10s, {{"X-Request-Id", "r-400"}});
  CHECK(invalid.status == 400);
  CHECK(invalid.header("x-request-id") == "r-400");
  auto late = c.request("GET", "/work?us=1000000", 10s, {{"X-Request-Id", "r-504"}});
  CHECK(late.status == 504);
  CHECK(late.header("x-request-id") == "r-504");
  // Refused by the session before the header was parsed: a generated id.
  using namespace std::string_literals;
  auto raw = raw_exchange(gw.port, "GET / HTTP/1.1\r\nHost: a\r\nBad\0Header: x\r\n\r\n"s);
  CHECK(raw.rfind("HTTP/1.1 400", 0) == 0);
  std::smatch m;
  REQUIRE(std::regex_search(raw, m, std::regex("X-Request-Id: ([^\r]*)\r\n")));
  CHECK(generated_id(m[1]));
  // RFC 9110 6.6.1, in the IMF-fixdate form.
  const std::regex imf_date("Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d "
                            "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
                            "\\d\\d:\\d\\d:\\d\\d GMT\r\n");
  CHECK(std::regex_search(raw, imf_date));
  for (const auto* r : {&missing, &invalid, &late})
    CHECK(std::regex_match("Date: " + r->header("date") + "\r\n", imf_date));
}

TEST_CASE("route actors receive the request id") {
  in_process_server fx;
  auto echo_id = spawn_hosted(fx.sys, fx.server.host(), [](caf::event_based_actor*) {
    return caf::behavior{[](handle_atom, const request& req, const reply_handle& h) {
      h.answer(response::text(200, req.id));
    }};
  });
  auto routes = std::make_shared<http::route_table>();
  routes->add(method::get, "/id", echo_id);
  auto port = fx.server.start(routes);
  {
    http_client c{port};
    auto given = c.request("GET", "/id", 10s, {{"X-Request-Id", "abc"}});
    CHECK(given.body == "abc");
    CHECK(given.header("x-request-id") == "abc");
    auto made = c.get("/id");
    CHECK(generated_id(made.body));
    CHECK(made.header("x-request-id") == made.body);
  }
  fx.finish({echo_id});
}

TEST_CASE("access log in plain format has one parsable line per request") {
  auto lines = log_sample_requests("plain");
  REQUIRE(lines.size() == sample_requests.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& want = sample_requests[i];
    INFO(lines[i]);
    auto f = parse_plain(lines[i]);
    CHECK(std::regex_match(f["time"], iso_time));
    if (want.id.empty())
      CHECK(generated_id(f["id"]));
    else
      CHECK(f["id"] == want.id);
    CHECK(f["client"].rfind("127.0.0.1:", 0) == 0);
    CHECK(f["method"] == "GET");
    CHECK(f["target"] == want.target);
    CHECK(f["route"] == (want.route.empty() ? "-" : want.route));
    CHECK(f["status"] == std::to_string(want.status));
    CHECK(std::stoul(f["bytes"]) > 0);
    CHECK(std::stoul(f["duration_us"]) > 0);
    if (want.backend) {
      CHECK(std::stoul(f["backend_us"]) > 0);
      CHECK(std::stoul(f["backend_us"]) <= std::stoul(f["duration_us"]));
    } else {
      CHECK(f["backend_us"] == "0");
    }
  }
}

TEST_CASE("access log in JSON format has one object per request") {
  auto lines = log_sample_requests("json");
  REQUIRE(lines.size() == sample_requests.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& want = sample_requests[i];
    INFO(lines[i]);
    auto j = nlohmann::json::parse(lines[i]);
    CHECK(j.size() == 10);
    CHECK(std::regex_match(j["time"].get<std::string>(), iso_time));
    if (want.id.empty())
      CHECK(generated_id(j["id"]));
    else
      CHECK(j["id"] == want.id);
    CHECK(j["client"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
    CHECK(j["method"] == "GET");
    CHECK(j["target"] == want.target);
    CHECK(j["route"] == want.route);
    CHECK(j["status"] == want.status);
    CHECK(j["bytes"].get<std::uint64_t>() > 0);
    CHECK(j["duration_us"].get<std::uint64_t>() > 0);
    if (want.backend) {
      CHECK(j["backend_us"].get<std::uint64_t>() > 0);
      CHECK(j["backend_us"].get<std::uint64_t>() <= j["duration_us"].get<std::uint64_t>());
    } else {
      CHECK(j["backend_us"] == 0);
    }
  }
}

TEST_CASE("a stalled access log sink blocks no request and its drops are counted") {
  // A FIFO that is open for reading but not read: once the pipe's 64 KiB
  // are full the writer thread hangs in write(), as on a stuck disk.
  auto fifo = temp_path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  backend_process be;
  gateway_process gw{
      be.port,
      {"--log.access-log=" + fifo, "--log.access-log-format=plain", "--log.access-log-queue=64"}};
  constexpr int total = 2000;
  int answered = 0;
  {
    http_client c{gw.port};
    for (int i = 0; i < total; ++i)
      answered += c.request("GET", "/ping", 2s).status == 200 ? 1 : 0;
  }
  CHECK(answered == total);

  // Now read everything, so that the writer can finish at shutdown.
  std::size_t read_lines = 0;
  std::thread drain([&] {
    ::fcntl(reader, F_SETFL, 0);
    char buf[65536];
    for (ssize_t n; (n = ::read(reader, buf, sizeof buf)) != 0;)
      if (n > 0)
        read_lines += static_cast<std::size_t>(std::count(buf, buf + n, '\n'));
  });
  stop_and_check(gw.proc, "actorgate-server");
  drain.join();
  ::close(reader);
  std::remove(fifo.c_str());

  auto out = gw.proc.output();
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(access log: (\d+) lines, (\d+) dropped)")));
  auto lines = std::stoul(m[1]);
  auto dropped = std::stoul(m[2]);
  CHECK(lines == total);
  CHECK(dropped > 0);
  CHECK(read_lines < total);
  // A drop is a line, or now and then one of the periodic flush requests.
  CHECK(read_lines + dropped >= total);
}

TEST_CASE("start-up and shutdown summaries describe the gateway") {
  backend_process be;
  gateway_process gw{be.port,
                     {"--backend.queue-size=17", "--http.io-threads=2", "--scheduler.max-threads=3",
                      "--log.access-log="}};
  auto out = gw.proc.output();
  CHECK(out.find("(config /dev/null; pools: backend 8 workers over 127.0.0.1:" +
                 std::to_string(be.port) + "; 2 IO threads)") != std::string::npos);
  CHECK(out.find("  config file:  /dev/null") != std::string::npos);
  CHECK(out.find("2 IO thread(s)") != std::string::npos);
  CHECK(out.find("scheduler:    3 thread(s)") != std::string::npos);
  CHECK(out.find("pool backend: 8 worker(s), queue 17, least-outstanding over 127.0.0.1:" +
                 std::to_string(be.port)) != std::string::npos);
  CHECK(out.find("GET /echo") != std::string::npos);
  CHECK(out.find("access log:   off") != std::string::npos);
  CHECK(http_get(gw.port, "/ping").status == 200);
  stop_and_check(gw.proc, "actorgate-server");
  out = gw.proc.output();
  CHECK(std::regex_search(out, std::regex(R"(drained in \d+ ms: \d+ requests answered during )"
                                          R"(the drain, 0 connections still open)")));
}

TEST_CASE("an access log that cannot be opened stops the gateway with exit code 2") {
  process p{gateway_binary(),
            {"--config-file=/dev/null", "--http.port=0", "--log.access-log=/dev/null/access.log"}};
  auto rc = p.wait(10s);
  REQUIRE(rc);
  CHECK(*rc == 2);
}
