#include "actorgate/http/target.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

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

// RFC 3986 unreserved and sub-delims: what a reg-name (and an IPvFuture
// literal) is made of, besides percent-escapes.
bool is_name_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || (c != '\0' && std::strchr("-._~!$&'()*+,;=", c) != nullptr);
}

bool is_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

bool valid_host(std::string_view host) {
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos || close == 1)
      return false;
    auto literal = host.substr(1, close - 1);
    if (!std::all_of(literal.begin(), literal.end(),
                     [](char c) { return c == ':' || is_name_char(c); }))
      return false;
    auto rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return false;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    auto colon = host.find(':');
    auto name = host.substr(0, colon);
    port = colon == std::string_view::npos ? std::string_view{} : host.substr(colon + 1);
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (name[i] == '%') {
        if (i + 2 >= name.size() || hex_value(name[i + 1]) < 0 || hex_value(name[i + 2]) < 0)
          return false;
        i += 2;
      } else if (!is_name_char(name[i])) {
        return false;
      }
    }
  }
  return is_digits(port);
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  // Most parts need no decoding: copied in one piece up to the first byte
  // that does.
  std::size_t i = 0;
  while (i < in.size() && in[i] != '%' && in[i] != '\0' && !(plus_is_space && in[i] == '+'))
    ++i;
  out.assign(in.data(), i);
  if (i == in.size())
    return true;
  out.reserve(in.size());
  for (; i < in.size(); ++i) {
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

namespace {

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// `target` without its fragment, origin-form: a path starting with '/'.
bool parse_origin(std::string_view target, parsed_target& out) {
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

} // namespace

bool parse_target(std::string_view target, parsed_target& out) {
  // A client should not send a fragment; one that does means the path (or
  // query) before it, as a browser would have.
  target = target.substr(0, target.find('#'));
  if (!target.empty() && target.front() == '/')
    return parse_origin(target, out);
  // RFC 9112 3.2.2: a server must accept the absolute form, which a client
  // sends to a proxy; it names this server's path as well as origin-form
  // does. The Host header is checked apart, as for any request.
  auto sep = target.find("://");
  if (sep == std::string_view::npos)
    return false;
  auto scheme = target.substr(0, sep);
  if (!iequals_ascii(scheme, "http") && !iequals_ascii(scheme, "https"))
    return false;
  auto rest = target.substr(sep + 3);
  auto end = std::min(rest.find('/'), rest.find('?'));
  auto authority = rest.substr(0, end);
  // An http URI with an empty host is invalid (RFC 9110 4.2.1); userinfo
  // (RFC 9110 4.2.4, deprecated) has an '@', which valid_host refuses.
  if (authority.empty() || authority.front() == ':' || !valid_host(authority))
    return false;
  auto path_and_query = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  if (!path_and_query.empty() && path_and_query.front() == '/')
    return parse_origin(path_and_query, out);
  // An empty path is "/" (RFC 9110 4.2.3): "http://x?q" asks for "/?q".
  return parse_origin("/" + std::string(path_and_query), out);
}

} // namespace actorgate::http
