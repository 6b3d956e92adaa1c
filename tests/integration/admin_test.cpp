// The admin page in a real browser (headless Chromium): it loads without
// console errors, polls the metrics, and the numbers it shows are the ones
// /metrics gives at the same time.
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

std::string chromium_path() {
  auto path = find_program("chromium");
  if (path.empty())
    FAIL("chromium is not installed: install the Debian package 'chromium' (scripts/setup.sh "
         "does)");
  return path;
}

// Headless Chromium on `url` with a throw-away profile, given `virtual_ms`
// of page time (timers run ahead, network answers are awaited); `extra`
// says what to produce (--dump-dom, --screenshot=...).
command_result chromium(const std::string& url, const temp_dir& profile, int virtual_ms,
                        const std::string& extra) {
  return run_command(chromium_path(),
                     {"--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--user-data-dir=" + profile.path(), "--enable-logging=stderr", "--v=0",
                      "--hide-scrollbars", "--window-size=1280,900",
                      "--virtual-time-budget=" + std::to_string(virtual_ms), extra, url},
                     {}, 90s);
}

// The value of attribute `attr` in the element after `anchor` (e.g. the row
// data-route="/ping"), or "" if absent.
std::string attribute_after(const std::string& dom, const std::string& anchor,
                            const std::string& attr) {
  auto at = dom.find(anchor);
  if (at == std::string::npos)
    return {};
  std::smatch m;
  std::string rest = dom.substr(at, 2000);
  if (!std::regex_search(rest, m, std::regex(attr + "=\"([^\"]*)\"")))
    return {};
  return m[1].str();
}

} // namespace

TEST_CASE("admin page: headless Chromium shows the numbers /metrics gives") {
  chromium_path(); // fail early, before starting anything
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.admin-path=/admin"}};
  http_client c{gateway.port};
  for (int i = 0; i < 7; ++i)
    REQUIRE(c.get("/ping").status == 200);
  REQUIRE(c.get("/echo?msg=x").status == 200);
  REQUIRE(c.get("/nope").status == 404);

  auto page = c.get("/admin");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  // Self-contained: the machine it runs on may have no internet.
  CHECK(page.body.find("http://") == std::string::npos);
  CHECK(page.body.find("https://") == std::string::npos);
  CHECK(page.body.find("src=") == std::string::npos);
  auto config = c.get("/admin/config");
  REQUIRE(config.status == 200);
  auto j = nlohmann::json::parse(config.body);
  CHECK(j["http"]["metrics-path"] == "/metrics");
  CHECK(j["http"]["admin-path"] == "/admin");
  CHECK(j["backend"]["port"] == backend.port);

  temp_dir profile{"actorgate-chromium"};
  auto url = "http://127.0.0.1:" + std::to_string(gateway.port) + "/admin";
  auto run = chromium(url, profile, 3000, "--dump-dom");
  INFO("chromium output: " << run.output.substr(0, 20000));
  REQUIRE(run.exit_code == 0);
  // No traffic but the page's own from here on: /metrics now matches it.
  auto s = parse_exposition(c.get("/metrics").body);

  auto begin = run.output.find("<html");
  auto end = run.output.rfind("</html>");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  auto dom = run.output.substr(begin, end - begin);
  auto logs = run.output.substr(0, begin) + run.output.substr(end);
  CHECK(logs.find("Uncaught") == std::string::npos);
  CHECK(logs.find(":CONSOLE") == std::string::npos); // the page logs nothing when all is well
  CHECK(dom.find("data-error=") == std::string::npos);
  auto scrapes = attribute_after(dom, "<body", "data-scrapes");
  REQUIRE_FALSE(scrapes.empty());
  CHECK(std::stoi(scrapes) >= 2);

  auto requests = [&](const std::string& route) {
    std::uint64_t n = 0;
    for (const auto& [series, value] : s)
      if (series.rfind("actorgate_http_requests_total{route=\"" + route + "\",", 0) == 0)
        n += std::stoull(value);
    return std::to_string(n);
  };
  CHECK(attribute_after(dom, "data-route=\"/ping\"", "data-requests") == "7");
  CHECK(attribute_after(dom, "data-route=\"/ping\"", "data-requests") == requests("/ping"));
  CHECK(attribute_after(dom, "data-route=\"/echo\"", "data-requests") == requests("/echo"));
  CHECK(attribute_after(dom, "data-pool=\"backend\"", "data-workers") ==
        s["actorgate_pool_workers{pool=\"backend\"}"]);
  CHECK(attribute_after(dom, "data-pool=\"backend\"", "data-queue-limit") ==
        s["actorgate_pool_queue_limit{pool=\"backend\"}"]);
  CHECK(attribute_after(dom, "data-pool=\"backend\"", "data-calls") ==
        s["actorgate_pool_calls_total{pool=\"backend\"}"]);
  auto endpoint = "127.0.0.1:" + std::to_string(backend.port);
  CHECK(attribute_after(dom, "data-endpoint=\"" + endpoint + "\"", "data-state") == "healthy");
  CHECK(attribute_after(dom, "<span", "data-version") == ACTORGATE_VERSION);
  CHECK(dom.find("data-key=\"http.admin-path\"") != std::string::npos);
  CHECK(dom.find("<svg") != std::string::npos);

  auto shot = profile.path() + "/admin.png";
  auto taken = chromium(url, profile, 3000, "--screenshot=" + shot);
  CHECK(taken.exit_code == 0);
  auto png = run_command("/usr/bin/head", {"-c", "4", shot});
  CHECK(png.output == "\x89PNG");
}
