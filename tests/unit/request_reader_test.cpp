#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "actorgate/http/request_reader.hpp"

using actorgate::http::request_reader;
namespace bhttp = boost::beast::http;

namespace {

// Feeds `wire` to `r` in one piece, as the session does once the header is
// in; returns the bytes taken.
std::size_t feed(request_reader& r, std::string_view wire, boost::beast::error_code& ec) {
  r.eager(true);
  return r.put(boost::asio::buffer(wire.data(), wire.size()), ec);
}

} // namespace

TEST_CASE("request_reader: the request line and every field, in order and as sent") {
  request_reader r{8192, 1 << 20};
  boost::beast::error_code ec;
  std::string_view wire = "GET /echo?msg=hi HTTP/1.1\r\n"
                          "Host: example.com\r\n"
                          "x-request-id: abc-123\r\n"
                          "Accept:   text/plain  \r\n"
                          "X-Request-Id: second\r\n"
                          "\r\n";
  CHECK(feed(r, wire, ec) == wire.size());
  REQUIRE(!ec);
  REQUIRE(r.is_done());
  CHECK(r.verb() == bhttp::verb::get);
  CHECK(r.method_string() == "GET");
  CHECK(r.target() == "/echo?msg=hi");
  CHECK(r.version() == 11);
  CHECK(r.keep_alive());
  CHECK(r.host_count() == 1);
  CHECK(r.host() == "example.com");
  CHECK(r.request_id() == "abc-123"); // the first one, its name in any case
  CHECK(r.expect().empty());
  CHECK(!r.has_transfer_encoding());
  REQUIRE(r.headers().size() == 4);
  CHECK(r.headers()[1].name == "x-request-id");
  CHECK(r.headers()[2].name == "Accept");
  CHECK(r.headers()[2].value == "text/plain"); // Beast trims the value
  CHECK(r.body().empty());
  // Moved out, as route_request does: the lookups answer empty, not garbage.
  auto moved = std::move(r.headers());
  CHECK(moved.size() == 4);
  CHECK(r.host().empty());
  CHECK(r.request_id().empty());
}

TEST_CASE("request_reader: bodies by length and chunked, and Beast's limits") {
  SUBCASE("Content-Length") {
    request_reader r{8192, 1 << 20};
    boost::beast::error_code ec;
    std::string_view wire = "POST /rpc/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
    feed(r, wire, ec);
    REQUIRE(!ec);
    REQUIRE(r.is_done());
    CHECK(r.body() == "hello");
    CHECK(!r.has_transfer_encoding());
  }
  SUBCASE("chunked") {
    request_reader r{8192, 1 << 20};
    boost::beast::error_code ec;
    std::string_view wire = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "3\r\nhel\r\n2;ext=1\r\nlo\r\n0\r\n\r\n";
    feed(r, wire, ec);
    REQUIRE(!ec);
    REQUIRE(r.is_done());
    CHECK(r.body() == "hello");
    CHECK(r.has_transfer_encoding());
    CHECK(r.chunked());
  }
  SUBCASE("a body over the limit") {
    request_reader r{8192, 4};
    boost::beast::error_code ec;
    feed(r, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", ec);
    CHECK(ec == bhttp::error::body_limit);
  }
  SUBCASE("a header over the limit") {
    request_reader r{64, 1 << 20};
    boost::beast::error_code ec;
    feed(r, "GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n", ec);
    CHECK(ec == bhttp::error::header_limit);
  }
}

TEST_CASE("request_reader: HTTP/1.0, unknown methods, two Hosts, Expect") {
  request_reader r{8192, 1 << 20};
  boost::beast::error_code ec;
  feed(r,
       "BREW /pot HTTP/1.0\r\nHost: a\r\nhost: b\r\nExpect: 100-continue\r\nConnection: "
       "keep-alive\r\n\r\n",
       ec);
  REQUIRE(!ec);
  CHECK(r.verb() == bhttp::verb::unknown);
  CHECK(r.method_string() == "BREW");
  CHECK(r.version() == 10);
  CHECK(r.keep_alive());
  CHECK(r.host_count() == 2);
  CHECK(r.host() == "a");
  CHECK(r.expect() == "100-continue");
  // The WebSocket handshake's copy holds the same request.
  auto m = r.to_message();
  CHECK(m.method_string() == "BREW");
  CHECK(m.target() == "/pot");
  CHECK(m.version() == 10);
  CHECK(m.count("Host") == 2);
  CHECK(m["Expect"] == "100-continue");
}
