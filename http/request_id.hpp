// Request ids: every request gets one, echoed in the response's X-Request-Id
// header, handed to the route actor (request::id) and written to the access
// log. A client's own X-Request-Id is kept if it is sane, so one id can
// follow a request through several services.
//
//   std::string id;
//   if (sane_request_id(client_value))
//     id = client_value;
//   else
//     generate_request_id(id);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace actorgate::http {

/// Longest client-supplied id that is kept.
constexpr std::size_t max_request_id = 128;

/// 1 to max_request_id visible ASCII characters (0x21-0x7E): nothing that
/// could split a log line or a header. Anything else is replaced.
bool sane_request_id(std::string_view id) noexcept;

/// Replaces `out` with 16 random lowercase hex digits (64 bits) from a
/// per-thread generator: no lock and no system call per id.
void generate_request_id(std::string& out);

} // namespace actorgate::http
