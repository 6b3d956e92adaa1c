#include "http/route_table.hpp"

#include <stdexcept>

namespace actorgate::http {

void route_table::add(method m, std::string path, caf::actor target) {
  if (path.empty() || path.front() != '/')
    throw std::invalid_argument("route path must start with '/': \"" + path + "\"");
  if (m == method::other)
    throw std::invalid_argument("route for " + path + " needs a concrete method");
  if (!target)
    throw std::invalid_argument("route " + path + " has no actor");
  auto& e = paths_[path];
  for (const auto& [have, actor] : e.by_method)
    if (have == m)
      throw std::invalid_argument("duplicate route " + std::string(to_string(m)) + " " + path);
  e.by_method.emplace_back(m, std::move(target));
}

route_table::match route_table::find(method m, std::string_view path) const {
  match result;
  auto i = paths_.find(std::string(path));
  if (i == paths_.end())
    return result;
  result.path_known = true;
  const caf::actor* get = nullptr;
  for (const auto& [have, actor] : i->second.by_method) {
    if (have == m)
      result.actor = &actor;
    if (have == method::get)
      get = &actor;
  }
  if (result.actor == nullptr && m == method::head)
    result.actor = get;
  if (result.actor == nullptr) {
    for (const auto& [have, actor] : i->second.by_method) {
      if (!result.allow.empty())
        result.allow += ", ";
      result.allow += to_string(have);
      if (have == method::get)
        result.allow += ", HEAD";
    }
  }
  return result;
}

} // namespace actorgate::http
