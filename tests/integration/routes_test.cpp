// Every route through the whole pipeline: real backend, real gateway, HTTP.
#include <doctest/doctest.h>

#include "apps/work.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;

namespace {

void check_json_error(const http_reply& r, unsigned status) {
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.body.find("\"error\":") != std::string::npos);
  CHECK(r.body.find("\"status\":" + std::to_string(status)) != std::string::npos);
}

} // namespace

TEST_CASE("routes: ping echo work and their errors") {
  backend_process backend;
  // A second of CPU (the largest /work) on a loaded 2-core CI machine can
  // take more than the default 3 s call timeout.
  gateway_process gateway{backend.port,
                          {"--backend.call-timeout=30s", "--http.request-timeout=30s"}};
  http_client c{gateway.port};

  SUBCASE("GET /ping -> pong") {
    auto r = c.get("/ping");
    CHECK(r.status == 200);
    CHECK(r.header("content-type").rfind("text/plain", 0) == 0);
    CHECK(r.body == "pong");
    CHECK(r.header("content-length") == "4");
    CHECK(r.keep_alive);
  }
  SUBCASE("GET /echo decodes, escapes and keeps UTF-8") {
    auto r = c.get("/echo?msg=h%C3%A9llo%20%22w%C3%B6rld%22%5C%0A+%E2%82%AC");
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.body == "{\"msg\":\"h\xC3\xA9llo \\\"w\xC3\xB6rld\\\"\\\\\\n \xE2\x82\xAC\"}");
    auto empty = c.get("/echo?msg=");
    CHECK(empty.status == 200);
    CHECK(empty.body == R"({"msg":""})");
  }
  SUBCASE("GET /work returns the documented checksum") {
    for (int us : {0, 1, 1500}) {
      auto r = c.get("/work?us=" + std::to_string(us));
      CHECK(r.status == 200);
      CHECK(r.header("content-type") == "application/json");
      CHECK(r.body == "{\"checksum\":" + std::to_string(compute::work_checksum(us)) + "}");
    }
    auto top = c.get("/work?us=1000000");
    CHECK(top.status == 200);
  }
  SUBCASE("bad parameters -> 400 with a JSON error") {
    check_json_error(c.get("/echo"), 400);
    check_json_error(c.get("/work"), 400);
    check_json_error(c.get("/work?us="), 400);
    check_json_error(c.get("/work?us=abc"), 400);
    check_json_error(c.get("/work?us=12x"), 400);
    check_json_error(c.get("/work?us=-1"), 400);
    check_json_error(c.get("/work?us=1000001"), 400);
    check_json_error(c.get("/work?us=99999999999999999999"), 400);
    // The connection survives every one of them.
    CHECK(c.get("/ping").status == 200);
    // A target that does not decode is malformed HTTP: 400, then close.
    auto bad = http_get(gateway.port, "/echo?msg=%zz");
    check_json_error(bad, 400);
    CHECK_FALSE(bad.keep_alive);
  }
  SUBCASE("unknown path -> 404, wrong method -> 405 with Allow") {
    check_json_error(c.get("/nope"), 404);
    check_json_error(c.get("/ping/"), 404);
    auto r = c.request("POST", "/ping");
    check_json_error(r, 405);
    CHECK(r.header("allow") == "GET, HEAD");
    check_json_error(c.request("DELETE", "/echo?msg=x"), 405);
  }
  SUBCASE("HEAD works where GET does") {
    auto r = c.request("HEAD", "/ping");
    CHECK(r.status == 200);
    CHECK(r.header("content-length") == "4");
    CHECK(r.body.empty());
    CHECK(c.get("/ping").body == "pong"); // the connection is still in step
  }
  SUBCASE("many requests on one keep-alive connection") {
    for (int i = 0; i < 200; ++i) {
      auto r = c.get("/echo?msg=n" + std::to_string(i));
      REQUIRE(r.status == 200);
      REQUIRE(r.body == "{\"msg\":\"n" + std::to_string(i) + "\"}");
    }
  }
}

TEST_CASE("routes: buffered transport end to end") {
  backend_process backend{{"--compute-server.transport=buffered"}};
  gateway_process gateway{backend.port, {"--backend.transport=buffered"}};
  auto r = http_get(gateway.port, "/echo?msg=buffered");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"msg":"buffered"})");
  CHECK(http_get(gateway.port, "/work?us=10").body ==
        "{\"checksum\":" + std::to_string(compute::work_checksum(10)) + "}");
}

TEST_CASE("routes: malformed HTTP gets a 4xx and the server goes on") {
  backend_process backend;
  gateway_process gateway{backend.port};
  auto garbage = raw_exchange(gateway.port, "THIS IS NOT HTTP\r\n\r\n");
  CHECK(garbage.rfind("HTTP/1.1 400", 0) == 0);
  auto bad_version = raw_exchange(gateway.port, "GET /ping HTTP/9.9\r\n\r\n");
  CHECK(bad_version.rfind("HTTP/1.1 505", 0) == 0);
  auto huge_header = raw_exchange(gateway.port, "GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                                    std::string(20000, 'a') + "\r\n\r\n");
  CHECK(huge_header.rfind("HTTP/1.1 431", 0) == 0);
  auto huge_body = raw_exchange(
      gateway.port, "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
  CHECK(huge_body.rfind("HTTP/1.1 413", 0) == 0);
  auto no_slash = raw_exchange(gateway.port, "GET ping HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(no_slash.rfind("HTTP/1.1 400", 0) == 0);
  auto pipelined =
      raw_exchange(gateway.port, "GET /echo?msg=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                 "GET /echo?msg=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                                 "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto first = pipelined.find(R"({"msg":"1"})");
  auto second = pipelined.find(R"({"msg":"2"})");
  auto third = pipelined.find("pong");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(http_get(gateway.port, "/ping").status == 200);
}
