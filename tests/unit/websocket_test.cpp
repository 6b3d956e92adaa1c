#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/beast/http/field.hpp>

#include "actorgate/actors/websocket.hpp"
#include "actorgate/http/route_table.hpp"
#include "actorgate/http/websocket_session.hpp"

using namespace actorgate;

namespace {

struct recording_sink final : ws_sink {
  std::vector<std::string> sent; // "t:payload", "b:payload", "close:code:reason"
  void send(std::string payload, bool binary) override {
    sent.push_back((binary ? "b:" : "t:") + payload);
  }
  void close(std::uint16_t code, std::string reason) override {
    sent.push_back("close:" + std::to_string(code) + ":" + reason);
  }
};

std::shared_ptr<http::ws_route> some_ws_route() {
  auto r = std::make_shared<http::ws_route>();
  r->make = [](actor_host*, ws_handle, const request&) { return caf::actor{}; };
  return r;
}

http::upgrade_request upgrade_get() {
  http::upgrade_request req{boost::beast::http::verb::get, "/ws/echo", 11};
  req.set(boost::beast::http::field::host, "localhost");
  req.set(boost::beast::http::field::connection, "Upgrade");
  req.set(boost::beast::http::field::upgrade, "websocket");
  req.set(boost::beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(boost::beast::http::field::sec_websocket_version, "13");
  return req;
}

} // namespace

TEST_CASE("ws_handle passes frames and close to its sink in call order") {
  auto sink = std::make_shared<recording_sink>();
  ws_handle h{sink};
  auto copy = h;
  h.send_text("one");
  copy.send_binary(std::string("\0\1", 2));
  h.close(ws_close::going_away, "bye");
  REQUIRE(sink->sent.size() == 3);
  CHECK(sink->sent[0] == "t:one");
  CHECK(sink->sent[1] == std::string("b:\0\1", 4));
  CHECK(sink->sent[2] == "close:1001:bye");
  ws_handle none;
  CHECK_FALSE(none.valid());
  none.send_text("dropped"); // no connection: nothing happens
  none.close();
}

TEST_CASE("route table: a WebSocket route is a GET route without an actor") {
  http::route_table t;
  auto ws = some_ws_route();
  t.add_websocket("/ws/:room", ws);
  auto m = t.find(method::get, "/ws/lobby");
  CHECK(m.actor == nullptr);
  CHECK(m.websocket == ws.get());
  REQUIRE(m.params.size() == 1);
  CHECK(m.params[0].second == "lobby");
  CHECK(m.pattern == "/ws/:room");
  auto post = t.find(method::post, "/ws/lobby");
  CHECK(post.websocket == nullptr);
  CHECK(post.path_known);
  CHECK(post.allow == "GET, HEAD");
  CHECK_THROWS_AS(t.add_websocket("/ws/:other", some_ws_route()), std::invalid_argument);
  CHECK_THROWS_AS(t.add_websocket("/nothing", std::make_shared<http::ws_route>()),
                  std::invalid_argument);
}

TEST_CASE("a WebSocket route takes only a valid upgrade, with nothing sent after it") {
  auto req = upgrade_get();
  CHECK(http::is_websocket_upgrade(req, 0));
  SUBCASE("frames before the 101 are refused with 400") {
    CHECK_FALSE(http::is_websocket_upgrade(req, 5));
    CHECK(http::websocket_refusal(req, 5).status == 400);
  }
  SUBCASE("a plain GET gets 426 with Upgrade: websocket") {
    req.erase(boost::beast::http::field::upgrade);
    req.erase(boost::beast::http::field::connection);
    CHECK_FALSE(http::is_websocket_upgrade(req, 0));
    auto r = http::websocket_refusal(req, 0);
    CHECK(r.status == 426);
    bool has_upgrade = false;
    for (const auto& f : r.headers)
      has_upgrade |= f.name == "Upgrade" && f.value == "websocket";
    CHECK(has_upgrade);
  }
  SUBCASE("HTTP/1.0 cannot upgrade") {
    req.version(10);
    CHECK_FALSE(http::is_websocket_upgrade(req, 0));
  }
}

TEST_CASE("close codes an actor gives are sent only if a close frame may carry them") {
  for (std::uint16_t c : {1000, 1001, 1003, 1007, 1008, 1009, 1011, 1013, 3000, 4999})
    CHECK(http::sendable_close_code(c) == c);
  for (std::uint16_t c : {0, 999, 1004, 1005, 1006, 1015, 2000, 5000})
    CHECK(http::sendable_close_code(c) == ws_close::internal_error);
}
