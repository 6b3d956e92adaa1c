// route_table: method + path -> route actor, built once at start-up and
// read-only afterwards, so sessions on any thread look routes up without locks.
//
//   route_table t;
//   t.add(method::get, "/ping", ping_actor);
//   auto m = t.find(method::get, "/ping");   // m.actor != nullptr
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>

#include "actors/request.hpp"

namespace actorgate::http {

class route_table {
public:
  /// Throws std::invalid_argument for a malformed path or a duplicate route.
  void add(method m, std::string path, caf::actor target);

  struct match {
    /// nullptr if nothing matched.
    const caf::actor* actor = nullptr;
    /// The path exists, but not for this method: the Allow header's value.
    std::string allow;
    bool path_known = false;
  };

  /// HEAD falls back to the GET route.
  match find(method m, std::string_view path) const;

private:
  struct entry {
    std::vector<std::pair<method, caf::actor>> by_method;
  };
  std::unordered_map<std::string, entry> paths_;
};

} // namespace actorgate::http
