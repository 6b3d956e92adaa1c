// Shared by the fuzz targets: the routes both register, and the invariants a
// route's answer must keep whatever bytes the client sent.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "actorgate/actors/request.hpp"

namespace actorgate::fuzz {

struct route_spec {
  method verb;
  const char* pattern;
};

// Literal beside parameter ("/users/me" vs "/users/:id"), parameters with
// different names on one shape, a wildcard after a parameter, a trailing
// slash and the root: the cases where precedence and splitting can go wrong.
inline const std::vector<route_spec>& routes() {
  static const std::vector<route_spec> all = {
      {method::get, "/ping"},
      {method::get, "/"},
      {method::get, "/users/me"},
      {method::get, "/users/:id"},
      {method::put, "/users/:id"},
      {method::del, "/users/:uid"},
      {method::get, "/users/:id/files/*path"},
      {method::get, "/files/*path"},
      {method::post, "/echo"},
      {method::get, "/a/b/"},
  };
  return all;
}

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "\nINVARIANT BROKEN: %s\n  detail (%zu bytes): ", what, detail.size());
  for (unsigned char c : detail) {
    if (c >= 0x20 && c < 0x7f && c != '\\')
      std::fputc(c, stderr);
    else
      std::fprintf(stderr, "\\x%02x", c);
  }
  std::fputc('\n', stderr);
  std::abort();
}

inline std::string hex(std::string_view s) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

inline bool unhex(std::string_view s, std::string& out) {
  auto nibble = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  out.clear();
  if (s.size() % 2 != 0)
    return false;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    int hi = nibble(s[i]);
    int lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

/// The reason a value handed to a route as a path parameter is unsafe, or
/// nullptr. An encoded slash may stay inside a segment (README: "%2F stays
/// inside its segment"), so a value may contain '/'; but no part of it may
/// be a dot segment, which would let an actor that builds a file path from
/// it walk out of its directory, and nothing may contain NUL.
inline const char* unsafe_param(std::string_view v, bool whole_segment) {
  if (v.find('\0') != std::string_view::npos)
    return "path parameter contains NUL";
  if (whole_segment && v.empty())
    return "a :parameter matched an empty segment";
  for (std::size_t start = 0;;) {
    auto slash = v.find('/', start);
    auto part = v.substr(start, slash == std::string_view::npos ? v.npos : slash - start);
    if (part == "." || part == "..")
      return "path parameter holds a dot segment";
    if (slash == std::string_view::npos)
      return nullptr;
    start = slash + 1;
  }
}

} // namespace actorgate::fuzz
