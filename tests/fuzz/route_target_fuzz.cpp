// libFuzzer target: a request target through parse_target and
// route_table::find, in memory (tens of thousands of inputs a second where
// the TCP target does a few thousand). The input is the target; it is looked
// up for every method. Both results are compared with a deliberately naive
// reference written from the documented rules (README, route_table.hpp):
//
//   - a target is origin-form ("/p?q") or absolute-form ("http://host/p?q":
//     scheme http or https in any case, a non-empty host[:port] that is a
//     valid Host value, no userinfo), whose path and query ("" being "/")
//     follow the origin-form rules; any other form is refused;
//   - the path is split on '/' before decoding, each part decoded exactly
//     once ("%2541" is "%41", not "A"), and a target with a malformed
//     escape, an encoded NUL or a dot segment is refused;
//   - the most specific route wins, left to right (literal, parameter,
//     wildcard), HEAD falls back to GET, and a path known for other methods
//     gives their Allow list;
//   - no route receives a NUL or a dot segment in a path parameter.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/http/route_table.hpp"
#include "actorgate/http/target.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace actorgate;
using namespace actorgate::fuzz;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> actors; // actors[i] serves routes()[i]
  http::route_table table;

  fixture() {
    cfg.set("scheduler.max-threads", 1);
    sys = std::make_unique<caf::actor_system>(cfg);
    for (const auto& r : routes()) {
      // Never sent anything: find() only has to name the right one.
      actors.push_back(sys->spawn([]() -> caf::behavior { return {[](int) {}}; }));
      table.add(r.verb, r.pattern, actors.back());
    }
  }
};

fixture& the_fixture() {
  static fixture* f = new fixture; // never destroyed, see http_request_fuzz
  return *f;
}

// ---- the reference -------------------------------------------------------

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::optional<std::string> ref_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  std::size_t i = 0;
  while (i < in.size()) {
    if (in[i] == '%') {
      if (in.size() - i < 3 || hex_digit(in[i + 1]) < 0 || hex_digit(in[i + 2]) < 0)
        return std::nullopt;
      out += static_cast<char>(hex_digit(in[i + 1]) * 16 + hex_digit(in[i + 2]));
      i += 3;
    } else {
      out += plus_is_space && in[i] == '+' ? ' ' : in[i];
      i += 1;
    }
  }
  if (out.find('\0') != std::string::npos)
    return std::nullopt;
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == s.npos)
      return out;
    s.remove_prefix(at + 1);
  }
}

bool has_dot_part(std::string_view seg) {
  for (auto part : split(seg, '/'))
    if (part == "." || part == "..")
      return true;
  return false;
}

bool ref_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

// host [":" port]: a bracketed literal, or a non-empty reg-name or IPv4
// address (unreserved, sub-delims, %XX), and digits for the port.
bool ref_authority(std::string_view a) {
  std::string_view port;
  if (!a.empty() && a[0] == '[') {
    auto close = a.find(']');
    if (close == a.npos || close == 1)
      return false;
    for (char c : a.substr(1, close - 1))
      if (c != ':' && !ref_name_char(c))
        return false;
    auto after = a.substr(close + 1);
    if (!after.empty() && after[0] != ':')
      return false;
    port = after.empty() ? after : after.substr(1);
  } else {
    auto colon = a.find(':');
    auto name = a.substr(0, colon);
    if (name.empty())
      return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (name[i] == '%') {
        if (name.size() - i < 3 || hex_digit(name[i + 1]) < 0 || hex_digit(name[i + 2]) < 0)
          return false;
        i += 2;
      } else if (!ref_name_char(name[i])) {
        return false; // '@' of a userinfo among them
      }
    }
    port = colon == a.npos ? std::string_view{} : a.substr(colon + 1);
  }
  for (char c : port)
    if (c < '0' || c > '9')
      return false;
  return true;
}

std::optional<http::parsed_target> ref_parse_origin(std::string_view target) {
  http::parsed_target t;
  auto q = target.find('?');
  for (auto raw : split(target.substr(1, q == target.npos ? target.npos : q - 1), '/')) {
    auto seg = ref_decode(raw, false);
    // A dot segment is refused also when an encoded slash hides it inside a
    // segment ("..%2Fx"): a parameter or wildcard would hand it on intact.
    if (!seg || has_dot_part(*seg))
      return std::nullopt;
    t.path += "/" + *seg;
    t.segments.push_back(*seg);
  }
  if (q == target.npos)
    return t;
  auto query = target.substr(q + 1);
  if (query.empty())
    return t;
  for (auto part : split(query, '&')) {
    if (part.empty())
      continue;
    auto eq = part.find('=');
    auto key = ref_decode(part.substr(0, eq), true);
    auto value =
        eq == part.npos ? std::optional<std::string>("") : ref_decode(part.substr(eq + 1), true);
    if (!key || !value)
      return std::nullopt;
    t.query.emplace_back(*key, *value);
  }
  return t;
}

std::optional<http::parsed_target> ref_parse(std::string_view target) {
  target = target.substr(0, target.find('#')); // a fragment ends path and query
  if (!target.empty() && target[0] == '/')
    return ref_parse_origin(target);
  auto colon = target.find(':');
  if (colon == target.npos)
    return std::nullopt;
  std::string scheme(target.substr(0, colon));
  for (auto& c : scheme)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if ((scheme != "http" && scheme != "https") || target.substr(colon + 1, 2) != "//")
    return std::nullopt;
  auto rest = target.substr(colon + 3);
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != '/' && rest[end] != '?')
    ++end;
  if (!ref_authority(rest.substr(0, end)))
    return std::nullopt;
  std::string path(rest.substr(end));
  if (path.empty() || path[0] != '/')
    path.insert(0, "/");
  return ref_parse_origin(path);
}

struct ref_match {
  std::size_t route;
  std::vector<int> rank; // per pattern segment: literal 2, parameter 1, wildcard 0
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<bool> whole_segment; // per parameter: ":name" (true) or "*name"
};

std::optional<ref_match> ref_route_match(std::size_t route, const std::vector<std::string>& segs) {
  auto pattern = split(std::string_view(routes()[route].pattern).substr(1), '/');
  ref_match m{route, {}, {}, {}};
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    auto p = pattern[i];
    if (!p.empty() && p[0] == '*') {
      if (i >= segs.size())
        return std::nullopt; // a wildcard takes at least one segment
      std::string rest;
      for (std::size_t k = i; k < segs.size(); ++k)
        rest += (k == i ? "" : "/") + segs[k];
      m.rank.push_back(0);
      m.params.emplace_back(std::string(p.substr(1)), rest);
      m.whole_segment.push_back(false);
      return m;
    }
    if (i >= segs.size())
      return std::nullopt;
    if (!p.empty() && p[0] == ':') {
      if (segs[i].empty())
        return std::nullopt;
      m.rank.push_back(1);
      m.params.emplace_back(std::string(p.substr(1)), segs[i]);
      m.whole_segment.push_back(true);
    } else if (p == segs[i]) {
      m.rank.push_back(2);
    } else {
      return std::nullopt;
    }
  }
  if (pattern.size() != segs.size())
    return std::nullopt;
  return m;
}

void check_find(const fixture& fx, method m, const std::vector<std::string>& segs,
                std::string_view target) {
  auto got = fx.table.find(m, segs);
  std::vector<ref_match> all;
  for (std::size_t r = 0; r < routes().size(); ++r)
    if (auto mm = ref_route_match(r, segs))
      all.push_back(std::move(*mm));
  auto best_for = [&](method want) -> const ref_match* {
    const ref_match* best = nullptr;
    for (const auto& mm : all)
      if (routes()[mm.route].verb == want && (best == nullptr || mm.rank > best->rank))
        best = &mm;
    return best;
  };
  const ref_match* want = best_for(m);
  if (want == nullptr && m == method::head)
    want = best_for(method::get);
  std::string what = std::string(to_string(m)) + " " + std::string(target);
  if (got.path_known != !all.empty())
    fail("find() disagrees on whether the path is known", what);
  if (want == nullptr) {
    if (got.actor != nullptr)
      fail("find() matched a route no pattern matches for this method", what);
    if (got.path_known) {
      std::vector<method> verbs;
      for (const auto& mm : all) {
        verbs.push_back(routes()[mm.route].verb);
        if (routes()[mm.route].verb == method::get)
          verbs.push_back(method::head);
      }
      std::sort(verbs.begin(), verbs.end());
      verbs.erase(std::unique(verbs.begin(), verbs.end()), verbs.end());
      std::string allow;
      for (auto v : verbs)
        allow += (allow.empty() ? "" : ", ") + std::string(to_string(v));
      if (got.allow != allow)
        fail("wrong Allow list", what + " -> " + got.allow + " / expected " + allow);
    }
    return;
  }
  if (got.actor == nullptr || *got.actor != fx.actors[want->route])
    fail("find() picked another route than the most specific match", what);
  if (got.params != want->params)
    fail("find() gave other path parameters than the pattern takes", what);
  for (std::size_t k = 0; k < got.params.size(); ++k)
    if (auto why = unsafe_param(got.params[k].second, want->whole_segment[k]))
      fail(why, what);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  the_fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& fx = the_fixture();
  std::string_view target(reinterpret_cast<const char*>(data), size);
  http::parsed_target got;
  bool ok = http::parse_target(target, got);
  auto want = ref_parse(target);
  if (ok != want.has_value())
    fail(ok ? "parse_target accepted a target the rules refuse"
            : "parse_target refused a target the rules accept",
         target);
  if (!ok)
    return 0;
  for (const auto& seg : got.segments)
    if (seg == "." || seg == ".." || seg.find('\0') != std::string::npos)
      fail("a dot segment or NUL got through parse_target", target);
  if (got.segments != want->segments)
    fail("segments are not the parts split on '/', each decoded exactly once", target);
  if (got.path != want->path)
    fail("the decoded path is not the decoded segments joined by '/'", target);
  if (got.query != want->query)
    fail("query parameters are not each decoded exactly once", target);
  static constexpr std::array<method, 7> all = {method::get,    method::head, method::post,
                                                method::put,    method::del,  method::patch,
                                                method::options};
  for (auto m : all)
    check_find(fx, m, got.segments, target);
  return 0;
}
