// deadline: the absolute time by which a request must be answered.
//
//   auto d = actorgate::deadline::after(std::chrono::seconds(5));
//   if (d.expired()) ...; sock.set_timeout(d.remaining());
#pragma once

#include <chrono>

namespace actorgate {

using clock = std::chrono::steady_clock;

class deadline {
public:
  /// A deadline that never passes.
  deadline() = default;
  explicit deadline(clock::time_point at) : at_(at) {}

  static deadline after(clock::duration d) { return deadline{clock::now() + d}; }

  clock::time_point at() const { return at_; }
  bool expired() const { return clock::now() >= at_; }

  /// Time left, never negative.
  clock::duration remaining() const {
    auto now = clock::now();
    return at_ > now ? at_ - now : clock::duration::zero();
  }

  /// The earlier of the remaining time and `cap`.
  template <class Rep, class Period>
  clock::duration remaining_or(std::chrono::duration<Rep, Period> cap) const {
    auto left = remaining();
    auto c = std::chrono::duration_cast<clock::duration>(cap);
    return left < c ? left : c;
  }

private:
  clock::time_point at_ = clock::time_point::max();
};

} // namespace actorgate
