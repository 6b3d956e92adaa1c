// JSON helpers shared by route actors. Strings are escaped per RFC 8259 and
// kept as UTF-8; invalid UTF-8 is replaced with U+FFFD rather than rejected.
#pragma once

#include <string>
#include <string_view>

namespace actorgate {

/// `s` as a quoted JSON string literal.
std::string json_quote(std::string_view s);

} // namespace actorgate
