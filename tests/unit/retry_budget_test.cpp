#include <doctest/doctest.h>

#include <cstddef>
#include <initializer_list>

#include "actorgate/rpc/retry_budget.hpp"

using actorgate::rpc::retry_budget;
using actorgate::rpc::retry_options;

namespace {

retry_budget budget(std::size_t max_retries, std::size_t percent) {
  retry_options o;
  o.max_retries = max_retries;
  o.budget_percent = percent;
  return retry_budget{o};
}

} // namespace

TEST_CASE("a new budget allows the first few retries") {
  auto b = budget(2, 20);
  CHECK(b.tokens() == doctest::Approx(retry_budget::initial_tokens));
  int allowed = 0;
  while (b.try_retry(0))
    ++allowed;
  CHECK(allowed == 10);
  CHECK(b.tokens() < 1);
}

TEST_CASE("each call earns budget_percent of a retry") {
  auto b = budget(2, 20);
  while (b.try_retry(0)) {
  }
  for (int i = 0; i < 4; ++i)
    b.on_call();
  CHECK_FALSE(b.try_retry(0)); // 0.8 of a retry
  b.on_call();
  CHECK(b.try_retry(0));
  CHECK_FALSE(b.try_retry(0));
}

TEST_CASE("retries add at most budget_percent to the calls") {
  // Every call fails and asks for a retry: past the first ten, one retry per
  // 100 / budget_percent calls.
  for (std::size_t percent : {0, 5, 20, 50, 100}) {
    CAPTURE(percent);
    auto b = budget(1, percent);
    std::size_t calls = 10000, retries = 0;
    for (std::size_t i = 0; i < calls; ++i) {
      b.on_call();
      if (b.try_retry(0))
        ++retries;
    }
    CHECK(retries <= 10 + calls * percent / 100);
    CHECK(retries + 1 >= calls * percent / 100);
  }
}

TEST_CASE("a call is retried at most max_retries times, and a refusal costs nothing") {
  auto b = budget(2, 20);
  CHECK(b.try_retry(0));
  CHECK(b.try_retry(1));
  auto before = b.tokens();
  CHECK_FALSE(b.try_retry(2));
  CHECK(b.tokens() == doctest::Approx(before));
  CHECK_FALSE(budget(0, 100).try_retry(0));
}

TEST_CASE("a quiet spell saves up at most max_tokens retries") {
  auto b = budget(2, 100);
  for (int i = 0; i < 1000; ++i)
    b.on_call();
  CHECK(b.tokens() == doctest::Approx(retry_budget::max_tokens));
  int allowed = 0;
  while (b.try_retry(0))
    ++allowed;
  CHECK(allowed == 100);
}
