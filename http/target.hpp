// Splitting and percent-decoding a request target ("/echo?msg=a%20b").
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
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};

/// Parses an origin-form target. Returns false if it is not one or if any
/// part fails to decode.
bool parse_target(std::string_view target, parsed_target& out);

} // namespace actorgate::http
