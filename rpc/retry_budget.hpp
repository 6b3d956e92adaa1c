// retry_budget: how many retries a pool may make, as a policy with no actor
// and no Thrift in it. A call is retried at most max_retries times, and all
// retries together add at most budget_percent of the calls: a token bucket
// that each call fills by budget_percent / 100 of a token and each retry
// empties by one. Without the bucket a backend that fails every call would
// see each call up to 1 + max_retries times, just when it can least take it.
// The bucket starts with a few tokens, so that the first failures after a
// start are retried too, and holds at most 100, so that a long quiet spell
// does not save up a storm.
//
//   retry_budget b{opts};
//   b.on_call();                          // each caller's call
//   if (b.try_retry(attempts_so_far)) ... // paid for: retry it
#pragma once

#include <cstddef>

namespace actorgate::rpc {

struct retry_options {
  /// Extra attempts per call at most.
  std::size_t max_retries = 2;
  /// Retries may add at most this many percent to the calls (a token
  /// bucket), so that retries cannot multiply the load on a sick backend.
  std::size_t budget_percent = 20;
};

class retry_budget {
public:
  static constexpr double initial_tokens = 10;
  static constexpr double max_tokens = 100;

  retry_budget() = default;
  explicit retry_budget(const retry_options& opts)
      : max_retries_(opts.max_retries),
        per_call_(static_cast<double>(opts.budget_percent) / 100.0) {}

  /// A caller's call came in: it earns budget_percent of a retry.
  void on_call() {
    tokens_ += per_call_;
    if (tokens_ > max_tokens)
      tokens_ = max_tokens;
  }
  /// Whether a call retried `retries` times so far may be retried once more;
  /// if so, the retry is paid for.
  bool try_retry(std::size_t retries) {
    if (retries >= max_retries_ || tokens_ < 1)
      return false;
    tokens_ -= 1;
    return true;
  }
  double tokens() const { return tokens_; }

private:
  std::size_t max_retries_ = retry_options{}.max_retries;
  double per_call_ = static_cast<double>(retry_options{}.budget_percent) / 100.0;
  double tokens_ = initial_tokens;
};

} // namespace actorgate::rpc
