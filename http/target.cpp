#include "http/target.hpp"

namespace actorgate::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// A decoded segment may hold '/' (from "%2F"), and a route hands it on whole
// as a parameter or inside a wildcard: "..%2Fx" would reach an actor as
// "../x". So a dot segment is refused wherever a slash, plain or encoded,
// delimits it.
bool has_dot_segment(std::string_view seg) {
  for (;;) {
    auto slash = seg.find('/');
    auto part = seg.substr(0, slash);
    if (part == "." || part == "..")
      return true;
    if (slash == std::string_view::npos)
      return false;
    seg.remove_prefix(slash + 1);
  }
}

} // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return false;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        return false;
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0')
        return false;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '\0') {
      return false;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool parse_target(std::string_view target, parsed_target& out) {
  if (target.empty() || target.front() != '/')
    return false;
  auto qpos = target.find('?');
  auto path = target.substr(0, qpos);
  out.segments.clear();
  out.path.clear();
  std::string seg;
  for (auto rest = path.substr(1);;) {
    auto slash = rest.find('/');
    if (!percent_decode(rest.substr(0, slash), seg, false) || has_dot_segment(seg))
      return false;
    out.path += '/';
    out.path += seg;
    out.segments.push_back(std::move(seg));
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  out.query.clear();
  if (qpos == std::string_view::npos)
    return true;
  auto query = target.substr(qpos + 1);
  auto hash = query.find('#');
  query = query.substr(0, hash);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty())
      continue;
    auto eq = part.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(part.substr(0, eq), key, true))
      return false;
    if (eq != std::string_view::npos && !percent_decode(part.substr(eq + 1), value, true))
      return false;
    out.query.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

} // namespace actorgate::http
