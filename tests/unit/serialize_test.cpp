#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "actorgate/http/serialize.hpp"

using actorgate::response;
using actorgate::http::serialize;
using actorgate::http::wire_options;

namespace {

std::size_t count(const std::string& s, const std::string& part) {
  std::size_t n = 0;
  for (auto at = s.find(part); at != std::string::npos; at = s.find(part, at + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("serialize: status line, headers, a Date unless the actor set one, then the body") {
  std::string out;
  auto r = response::text(200, "pong");
  serialize(r, wire_options{}, out);
  CHECK(out.rfind("HTTP/1.1 200 OK\r\nServer: actorgate\r\nDate: ", 0) == 0);
  CHECK(out.find("\r\nContent-Length: 4\r\n\r\npong") != std::string::npos);
  CHECK(count(out, "Date: ") == 1);

  r.headers.push_back({"date", "Thu, 01 Jan 2026 00:00:00 GMT"});
  serialize(r, wire_options{}, out);
  CHECK(count(out, "ate: ") == 1);
  CHECK(out.find("date: Thu, 01 Jan 2026 00:00:00 GMT\r\n") != std::string::npos);
}

TEST_CASE("serialize: CR and LF in header values become spaces") {
  std::string out;
  auto r = response::text(200, "x");
  r.headers.push_back({"X-A", "a\r\nSet-Cookie: b"});
  serialize(r, wire_options{}, out);
  CHECK(out.find("X-A: a  Set-Cookie: b\r\n") != std::string::npos);
  CHECK(out.find("\r\nSet-Cookie") == std::string::npos);
}

TEST_CASE(
    "serialize: 204 has neither body nor Content-Length nor Content-Type and 201 has Location") {
  std::string out;
  auto none = response::no_content();
  none.body = "ignored"; // a body set by mistake is not sent either
  serialize(none, wire_options{}, out);
  CHECK(out.rfind("HTTP/1.1 204 No Content\r\n", 0) == 0);
  CHECK(out.find("Content-Length") == std::string::npos);
  CHECK(out.find("Content-Type") == std::string::npos);
  CHECK(out.size() >= 4);
  CHECK(out.compare(out.size() - 4, 4, "\r\n\r\n") == 0);

  auto made = response::created("/items/7", {{"id", 7}});
  serialize(made, wire_options{}, out);
  CHECK(out.rfind("HTTP/1.1 201 Created\r\n", 0) == 0);
  CHECK(out.find("\r\nLocation: /items/7\r\n") != std::string::npos);
  CHECK(out.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
  CHECK(out.find("\r\nContent-Length: 8\r\n\r\n{\"id\":7}") != std::string::npos);
}
