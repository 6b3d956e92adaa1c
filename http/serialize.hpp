// Serializing a response into a reusable buffer. Cheaper than Beast's
// serializer for the small, complete responses route actors produce, and
// the one place where header values are made safe to put on the wire.
#pragma once

#include <string>
#include <string_view>

#include "actorgate/actors/response.hpp"

namespace actorgate::http {

struct wire_options {
  unsigned version = 11; // 10 or 11
  bool keep_alive = true;
  bool head = false; // headers only, Content-Length of the full body
  /// Sent as X-Request-Id unless empty; must be header-safe already
  /// (http/request_id.hpp), so it is written as is.
  std::string_view request_id;
};

/// Replaces `out` with the response on the wire. CR, LF and NUL in header
/// names or values become spaces, so no actor can inject a header.
void serialize(const response& r, const wire_options& o, std::string& out);

} // namespace actorgate::http
