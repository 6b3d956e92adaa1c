// Splitting and percent-decoding a request target ("/echo?msg=a%20b"), and
// checking the Host header, the target's authority part (RFC 9112 3.2).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actorgate::http {

/// Decodes %XX escapes (and '+' as space if `plus_is_space`). Returns false
/// for a malformed escape or an encoded NUL, which no route may receive.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

struct parsed_target {
  /// The decoded path, for display; routing uses the segments.
  std::string path;
  /// Decoded segments, split before decoding, so "%2F" stays inside one.
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> query;
};

/// Parses an origin-form target, or an absolute-form one ("http://host/p?q",
/// scheme http or https in any case, a valid host[:port] and no userinfo),
/// whose path and query are then parsed as origin-form ("" being "/").
/// Returns false for any other form, if any part fails to decode, or if a
/// segment is "." or ".." -- also one that an encoded slash puts inside a
/// segment ("..%2Fx"): no route can be reached by a path it was not
/// registered for, and no path parameter carries a dot segment.
bool parse_target(std::string_view target, parsed_target& out);

/// True if `host` is a valid Host header value: empty, or uri-host [":" port]
/// (RFC 3986: a reg-name, an IPv4 address or a bracketed IP literal; the
/// port digits only). RFC 9112 3.2 requires a 400 for any other value.
bool valid_host(std::string_view host);

} // namespace actorgate::http
