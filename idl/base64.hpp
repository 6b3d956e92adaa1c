// Base64 as RFC 4648 section 4 defines it (the standard alphabet, padded),
// the JSON form of Thrift's binary type.
//
//   std::string text = idl::base64_encode("\x01\x02");   // "AQI="
//   std::optional<std::string> raw = idl::base64_decode(text);
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace actorgate::idl {

std::string base64_encode(std::string_view raw);

/// The bytes `text` encodes, or none unless it is canonical base64: padded
/// to a multiple of 4, the standard alphabet only, no whitespace, and zero
/// bits after the last byte (RFC 4648 3.5), so each value has one spelling.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace actorgate::idl
