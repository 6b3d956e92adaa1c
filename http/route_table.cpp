#include "actorgate/http/route_table.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace actorgate::http {

namespace {

enum class seg_kind { literal, param, wildcard };

struct segment {
  seg_kind kind;
  std::string text; // the literal, or the parameter's name
};

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/')
    return out;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool valid_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

[[noreturn]] void reject(std::string_view pattern, const std::string& why) {
  throw std::invalid_argument("route pattern \"" + std::string(pattern) + "\": " + why);
}

std::vector<segment> parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/')
    reject(pattern, "must start with '/'");
  auto parts = split(pattern);
  std::vector<segment> out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    bool last = i + 1 == parts.size();
    if (p.empty()) {
      if (!last)
        reject(pattern, "empty segment ('//')");
      out.push_back({seg_kind::literal, ""}); // trailing slash
    } else if (p.front() == ':' || p.front() == '*') {
      auto name = p.substr(1);
      if (!valid_name(name))
        reject(pattern, "parameter \"" + p + "\" needs a name of letters, digits or '_'");
      for (const auto& s : out)
        if (s.kind != seg_kind::literal && s.text == name)
          reject(pattern, "parameter name \"" + name + "\" used twice");
      if (p.front() == '*' && !last)
        reject(pattern, "wildcard \"" + p + "\" must be the last segment");
      out.push_back({p.front() == ':' ? seg_kind::param : seg_kind::wildcard, name});
    } else {
      if (p.find_first_of(":*") != std::string::npos)
        reject(pattern, "':' and '*' may only start a segment");
      if (p == "." || p == "..")
        reject(pattern, "dot segments cannot be matched");
      out.push_back({seg_kind::literal, p});
    }
  }
  return out;
}

} // namespace

// A trie over pattern shapes; parameter names live in the routes, so
// "/u/:id" (GET) and "/u/:uid" (DELETE) share a node.
struct route_table::node {
  struct route {
    method verb;
    std::vector<caf::actor> targets; // one, or one per IO thread; none for a WebSocket
    std::shared_ptr<const ws_route> websocket;
    std::vector<std::string> names; // of this route's parameters, in order
    std::string pattern;
  };
  std::map<std::string, std::unique_ptr<node>, std::less<>> literals;
  std::unique_ptr<node> param;
  std::unique_ptr<node> wildcard;
  std::vector<route> routes; // routes ending here
};

route_table::route_table() : root_(std::make_unique<node>()) {}
route_table::~route_table() = default;
route_table::route_table(route_table&&) noexcept = default;
route_table& route_table::operator=(route_table&&) noexcept = default;

void route_table::add(method m, std::string_view pattern, caf::actor target) {
  add(m, pattern, std::vector<caf::actor>{std::move(target)});
}

void route_table::add(method m, std::string_view pattern, std::vector<caf::actor> targets) {
  if (targets.empty() ||
      std::any_of(targets.begin(), targets.end(), [](const caf::actor& a) { return !a; }))
    reject(pattern, "has no actor");
  add_route(m, pattern, std::move(targets), nullptr);
}

void route_table::add_websocket(std::string_view pattern, std::shared_ptr<const ws_route> route) {
  if (!route || !route->make)
    reject(pattern, "has no WebSocket actor factory");
  add_route(method::get, pattern, {}, std::move(route));
}

void route_table::add_route(method m, std::string_view pattern, std::vector<caf::actor> targets,
                            std::shared_ptr<const ws_route> websocket) {
  if (m == method::other)
    reject(pattern, "needs a concrete method");
  auto segments = parse_pattern(pattern);
  node* n = root_.get();
  std::vector<std::string> names;
  for (const auto& s : segments) {
    std::unique_ptr<node>* next = nullptr;
    switch (s.kind) {
    case seg_kind::literal:
      next = &n->literals[s.text];
      break;
    case seg_kind::param:
      next = &n->param;
      break;
    case seg_kind::wildcard:
      next = &n->wildcard;
      break;
    }
    if (s.kind != seg_kind::literal)
      names.push_back(s.text);
    if (!*next)
      *next = std::make_unique<node>();
    n = next->get();
  }
  for (const auto& r : n->routes)
    if (r.verb == m)
      reject(pattern,
             "conflicts with another " + std::string(to_string(m)) + " route of the same shape");
  n->routes.push_back(
      {m, std::move(targets), std::move(websocket), std::move(names), std::string(pattern)});
}

namespace {

// Every node the segments reach, most specific first, with the values the
// parameters and wildcard took on the way.
template <class Node>
void collect(const Node* n, const std::vector<std::string>& segs, std::size_t i,
             std::vector<std::string>& values,
             std::vector<std::pair<const Node*, std::vector<std::string>>>& out) {
  if (i == segs.size()) {
    if (!n->routes.empty())
      out.emplace_back(n, values);
  } else {
    if (auto lit = n->literals.find(segs[i]); lit != n->literals.end())
      collect(lit->second.get(), segs, i + 1, values, out);
    if (n->param && !segs[i].empty()) {
      values.push_back(segs[i]);
      collect(n->param.get(), segs, i + 1, values, out);
      values.pop_back();
    }
  }
  // A wildcard takes what is left, at least one (possibly empty) segment:
  // "/files/*p" matches "/files/" and "/files/a/b", not "/files".
  if (n->wildcard && !n->wildcard->routes.empty() && i < segs.size()) {
    std::string rest;
    for (std::size_t k = i; k < segs.size(); ++k)
      rest += (k == i ? "" : "/") + segs[k];
    values.push_back(std::move(rest));
    out.emplace_back(n->wildcard.get(), values);
    values.pop_back();
  }
}

} // namespace

route_table::match route_table::find(method m, const std::vector<std::string>& segments,
                                     std::size_t thread) const {
  match result;
  std::vector<std::pair<const node*, std::vector<std::string>>> reached;
  std::vector<std::string> values;
  collect(root_.get(), segments, 0, values, reached);
  if (reached.empty())
    return result;
  result.path_known = true;
  auto pick = [&](method want) -> bool {
    for (const auto& [n, vals] : reached)
      for (const auto& r : n->routes)
        if (r.verb == want) {
          if (r.websocket)
            result.websocket = r.websocket.get();
          else
            result.actor = &r.targets[thread % r.targets.size()];
          result.pattern = r.pattern;
          for (std::size_t k = 0; k < r.names.size() && k < vals.size(); ++k)
            result.params.emplace_back(r.names[k], vals[k]);
          return true;
        }
    return false;
  };
  if (pick(m) || (m == method::head && pick(method::get)))
    return result;
  std::vector<method> allowed;
  for (const auto& [n, vals] : reached)
    for (const auto& r : n->routes) {
      allowed.push_back(r.verb);
      if (r.verb == method::get)
        allowed.push_back(method::head);
    }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  for (auto a : allowed) {
    if (!result.allow.empty())
      result.allow += ", ";
    result.allow += to_string(a);
  }
  return result;
}

route_table::match route_table::find(method m, std::string_view path) const {
  return find(m, split(path));
}

} // namespace actorgate::http
