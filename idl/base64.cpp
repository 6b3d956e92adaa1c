#include "actorgate/idl/base64.hpp"

#include <cstdint>

namespace actorgate::idl {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

} // namespace

std::string base64_encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    std::uint32_t n = std::uint32_t(std::uint8_t(raw[i])) << 16 |
                      std::uint32_t(std::uint8_t(raw[i + 1])) << 8 | std::uint8_t(raw[i + 2]);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (std::size_t rest = raw.size() - i; rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(raw[i])) << 16;
    if (rest == 2)
      n |= std::uint32_t(std::uint8_t(raw[i + 1])) << 8;
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=')
    pad = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::uint32_t n = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (last && j >= 4 - pad) {
        n <<= 6; // the '=' itself was counted in pad
        continue;
      }
      int v = sextet(c);
      if (v < 0)
        return std::nullopt;
      n = n << 6 | std::uint32_t(v);
    }
    out += char(n >> 16);
    if (last && pad == 2) {
      if ((n & 0xffff) != 0)
        return std::nullopt;
      break;
    }
    out += char((n >> 8) & 0xff);
    if (last && pad == 1) {
      if ((n & 0xff) != 0)
        return std::nullopt;
      break;
    }
    out += char(n & 0xff);
  }
  return out;
}

} // namespace actorgate::idl
