#include "actorgate/http/request_id.hpp"

#include <cstdint>
#include <random>

namespace actorgate::http {

bool sane_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > max_request_id)
    return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7e)
      return false;
  return true;
}

namespace {

// splitmix64: fast, passes BigCrush, and any seed gives a full-period
// sequence. Ids need to be unique, not secret.
std::uint64_t next_random() {
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

void generate_request_id(std::string& out) {
  static const char digits[] = "0123456789abcdef";
  auto v = next_random();
  out.resize(16);
  for (int i = 15; i >= 0; --i, v >>= 4)
    out[static_cast<std::size_t>(i)] = digits[v & 0xf];
}

} // namespace actorgate::http
