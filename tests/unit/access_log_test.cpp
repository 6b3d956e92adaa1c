// The access log's line format; the lines as written through the real
// gateway are checked in tests/integration/operations_test.cpp.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "actorgate/gateway/access_log.hpp"

using namespace actorgate;

namespace {

http::exchange sample() {
  http::exchange x;
  x.method = "GET";
  x.target = "/echo?msg=hi";
  x.route = "/echo";
  x.status = 200;
  x.bytes_out = 145;
  x.duration = std::chrono::microseconds(812);
  x.backend_time = std::chrono::microseconds(640);
  x.request_id = "3f2a9c0d1e4b5a69";
  x.client = "127.0.0.1:53422";
  return x;
}

} // namespace

TEST_CASE("access log: a plain entry is key=value pairs separated by single spaces") {
  CHECK(format_access_entry(sample(), access_log_format::plain) ==
        "id=3f2a9c0d1e4b5a69 client=127.0.0.1:53422 method=GET target=/echo?msg=hi "
        "route=/echo status=200 bytes=145 duration_us=812 backend_us=640");
}

TEST_CASE("access log: plain entries keep one token per field") {
  auto x = sample();
  x.route = {};
  x.method = {};
  x.target = "/a b\xff\"";
  auto line = format_access_entry(x, access_log_format::plain);
  CHECK(line.find(" method=- ") != std::string::npos);
  CHECK(line.find(" route=- ") != std::string::npos);
  CHECK(line.find(" target=/a%20b%ff\" ") != std::string::npos);
}

TEST_CASE("access log: a JSON entry is valid JSON whatever the target holds") {
  auto x = sample();
  x.target = "/q\"\\\x01\xff";
  x.route = {};
  auto j = nlohmann::json::parse("{" + format_access_entry(x, access_log_format::json) + "}");
  CHECK(j["id"] == "3f2a9c0d1e4b5a69");
  CHECK(j["client"] == "127.0.0.1:53422");
  CHECK(j["method"] == "GET");
  CHECK(j["target"] == "/q\"\\\x01\xc3\xbf"); // the byte 0xff as U+00FF
  CHECK(j["route"] == "");
  CHECK(j["status"] == 200);
  CHECK(j["bytes"] == 145);
  CHECK(j["duration_us"] == 812);
  CHECK(j["backend_us"] == 640);
}
