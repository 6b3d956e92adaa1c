// request-path-bench: the gateway's request path without the network. It
// does what a session does for GET /ping — build an actorgate::request,
// anon_send it with a reply_handle to the ping_route actor — and a sink that
// stands in for the session counts the answers. Reported per request: wall
// time and operator-new calls (whole process, so CAF's mailbox and
// scheduler allocations count too).
//
// Two shapes: "batch" keeps a window of requests in flight (like 64 busy
// connections: the scheduler never sleeps), "sequential" sends the next one
// only after the answer (like 1 connection: every request pays the wake-up
// of an idle scheduler thread and of the waiting sender).
//
//   request-path-bench --config-file=bench/bench.ini --bench.requests=200000
//   -> tool=request-path-bench mode=batch window=64 requests=... ns_per_req=... allocs_per_req=...
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/send.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/actors/routes.hpp"
#include "bench/tools/count_allocations.hpp"

namespace {

using namespace actorgate;

struct bench_config : caf::actor_system_config {
  std::size_t requests = 200'000;
  std::size_t window = 64;
  bench_config() {
    caf::config_option_adder{custom_options_, "bench"}
        .add(requests, "requests", "requests measured per mode")
        .add(window, "window", "requests in flight in batch mode");
  }
};

// Where answers arrive; counts them and wakes the sender when a batch is in.
struct completions {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t done = 0;
  std::size_t target = 0;
  std::atomic<std::size_t> wrong{0};

  void arrive(const response& r) {
    if (r.status != 200 || r.body != "pong")
      wrong.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> g{mutex};
    if (++done == target)
      cv.notify_one();
  }

  void expect(std::size_t n) {
    std::lock_guard<std::mutex> g{mutex};
    done = 0;
    target = n;
  }

  void wait() {
    std::unique_lock<std::mutex> g{mutex};
    cv.wait(g, [this] { return done == target; });
  }
};

// One per request, as the session allocates one per request.
class counting_sink final : public reply_sink {
public:
  explicit counting_sink(completions& c) : c_(c) {}

private:
  void deliver(response r) noexcept override { c_.arrive(r); }

  completions& c_;
};

// Mirrors session::route_request for "GET /ping" as wrk sends it.
void send_one(const caf::actor& route, completions& c) {
  request req;
  req.method = method::get;
  req.path = "/ping";
  req.headers.reserve(1);
  req.headers.push_back({"Host", "127.0.0.1:8080"});
  req.deadline = deadline::after(std::chrono::seconds(5));
  auto handle = make_reply_handle<counting_sink>(c);
  caf::anon_send(route, handle_atom::value, std::move(req), std::move(handle));
}

void run_requests(const caf::actor& route, completions& c, std::size_t total, std::size_t window) {
  for (std::size_t sent = 0; sent < total;) {
    auto n = std::min(window, total - sent);
    c.expect(n);
    for (std::size_t i = 0; i < n; ++i)
      send_one(route, c);
    c.wait();
    sent += n;
  }
}

void measure(const char* mode, const caf::actor& route, std::size_t total, std::size_t window) {
  completions c;
  run_requests(route, c, total / 10 + 1, window); // warm caches and CAF's thread pool
  auto allocs0 = bench::allocations();
  auto t0 = std::chrono::steady_clock::now();
  run_requests(route, c, total, window);
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  auto allocs = bench::allocations() - allocs0;
  std::cout << std::fixed << std::setprecision(1) << "tool=request-path-bench mode=" << mode
            << " window=" << window << " requests=" << total
            << " ns_per_req=" << ns / static_cast<double>(total) << std::setprecision(2)
            << " allocs_per_req=" << static_cast<double>(allocs) / static_cast<double>(total)
            << " wrong=" << c.wrong.load() << std::endl;
  if (c.wrong.load() != 0)
    throw std::runtime_error(std::string(mode) + ": answers other than 200 pong");
}

} // namespace

int main(int argc, char** argv) {
  bench_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "request-path-bench: " << cfg.render(err) << "\n";
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (cfg.requests == 0 || cfg.window == 0) {
    std::cerr << "request-path-bench: bench.requests and bench.window must be positive\n";
    return 2;
  }
  try {
    caf::actor_system sys{cfg};
    auto route = sys.spawn(ping_route);
    measure("batch", route, cfg.requests, cfg.window);
    measure("sequential", route, cfg.requests / 4, 1);
    caf::anon_send_exit(route, caf::exit_reason::user_shutdown);
  } catch (const std::exception& e) {
    std::cerr << "request-path-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
