// route_table: method + path pattern -> route actor, built once at start-up
// and read-only afterwards, so sessions look routes up without locks.
//
// Patterns are '/'-separated segments: a literal ("users"), a parameter
// (":id", one segment) or, last, a wildcard ("*rest", the rest of the path,
// possibly empty). Where several patterns match, the more specific segment
// wins, left to right: literal, then parameter, then wildcard.
//
//   route_table t;
//   t.add(method::get, "/users/:id", user_actor);
//   t.add(method::get, "/files/*path", file_actor);
//   auto m = t.find(method::get, {"users", "42"});   // m.params: {"id", "42"}
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor.hpp>

#include "actorgate/actors/request.hpp"
#include "actorgate/http/ws_route.hpp"

namespace actorgate::http {

class route_table {
public:
  route_table();
  ~route_table();
  route_table(route_table&&) noexcept;
  route_table& operator=(route_table&&) noexcept;

  /// Throws std::invalid_argument, naming the pattern, for a malformed
  /// pattern or one that conflicts with a route already added (same method,
  /// same shape: "/a/:x" and "/a/:y" conflict, "/a/:x" and "/a/b" do not).
  void add(method m, std::string_view pattern, caf::actor target);

  /// The same with one actor per IO thread: a session sends to the replica
  /// of its own IO thread (replicas[thread % size]), so a stateless route
  /// served on several IO threads never hands a request to another thread.
  void add(method m, std::string_view pattern, std::vector<caf::actor> replicas);

  /// A GET route whose connections become WebSockets (http/ws_route.hpp):
  /// find() returns it as `websocket`, with no actor.
  void add_websocket(std::string_view pattern, std::shared_ptr<const ws_route> route);

  struct match {
    /// nullptr if nothing matched (or a WebSocket route did).
    const caf::actor* actor = nullptr;
    /// The WebSocket route that matched, if one did.
    const ws_route* websocket = nullptr;
    /// The pattern it was added with; valid as long as the table.
    std::string_view pattern;
    /// Parameter name -> decoded segment(s), in pattern order.
    std::vector<std::pair<std::string, std::string>> params;
    /// The path matched some route, but not for this method.
    bool path_known = false;
    /// Then: the Allow header's value, e.g. "GET, HEAD, POST".
    std::string allow;
  };

  /// `segments` are the decoded path segments ("/a/b" -> {"a", "b"}). HEAD
  /// falls back to the GET route. `thread` picks among a route's replicas.
  match find(method m, const std::vector<std::string>& segments, std::size_t thread = 0) const;

  /// Convenience for tests and tools: splits `path` on '/' without decoding.
  match find(method m, std::string_view path) const;

private:
  struct node;
  void add_route(method m, std::string_view pattern, std::vector<caf::actor> replicas,
                 std::shared_ptr<const ws_route> websocket);
  std::unique_ptr<node> root_;
};

} // namespace actorgate::http
