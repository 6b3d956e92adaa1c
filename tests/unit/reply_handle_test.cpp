#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "actorgate/actors/reply_handle.hpp"

using namespace actorgate;

namespace {

struct record {
  std::mutex m;
  std::vector<response> got;
  int sinks_alive = 0;
};

// Lives as long as the handles do; writes what it gets into a record that
// outlives it.
struct recording_sink : reply_sink {
  explicit recording_sink(std::shared_ptr<record> r) : rec(std::move(r)) { ++rec->sinks_alive; }
  ~recording_sink() override { --rec->sinks_alive; }
  void deliver(response r) noexcept override {
    std::lock_guard<std::mutex> g{rec->m};
    rec->got.push_back(std::move(r));
  }
  std::shared_ptr<record> rec;
};

} // namespace

TEST_CASE("a reply handle answers exactly once") {
  auto sink = std::make_shared<record>();
  {
    auto h = make_reply_handle<recording_sink>(sink);
    reply_handle copy = h;
    CHECK_FALSE(h.answered());
    CHECK(h.try_answer(response::text(200, "first")));
    CHECK(h.answered());
    CHECK(copy.answered());
    CHECK_FALSE(copy.try_answer(response::text(200, "second")));
    CHECK_FALSE(h.try_answer(response::text(500, "third")));
  }
  REQUIRE(sink->got.size() == 1);
  CHECK(sink->got[0].body == "first");
  CHECK(sink->sinks_alive == 0); // the last handle freed the sink
}

TEST_CASE("a reply handle dropped unanswered answers 500 once") {
  auto sink = std::make_shared<record>();
  {
    auto h = make_reply_handle<recording_sink>(sink);
    reply_handle copy = h;
    reply_handle moved = std::move(copy);
    reply_handle assigned;
    assigned = moved;
    CHECK(sink->got.empty());
  }
  REQUIRE(sink->got.size() == 1);
  CHECK(sink->got[0].status == 500);
  CHECK(sink->got[0].content_type == "application/json");
}

TEST_CASE("concurrent answers: exactly one wins") {
  for (int round = 0; round < 50; ++round) {
    auto sink = std::make_shared<record>();
    std::atomic<int> wins{0};
    {
      auto h = make_reply_handle<recording_sink>(sink);
      std::vector<std::thread> threads;
      for (int i = 0; i < 4; ++i)
        threads.emplace_back([h, i, &wins] {
          if (h.try_answer(response::text(200, std::to_string(i))))
            ++wins;
        });
      for (auto& t : threads)
        t.join();
    }
    CHECK(wins == 1);
    CHECK(sink->got.size() == 1);
  }
}

TEST_CASE("an empty handle answers nothing") {
  reply_handle h;
  CHECK_FALSE(h.valid());
  CHECK_FALSE(h.try_answer(response::text(200, "x")));
}
