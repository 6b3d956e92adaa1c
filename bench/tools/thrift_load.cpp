// thrift-load: a direct synchronous Thrift client load generator, the
// backend ceiling. Each thread owns one framed TBinaryProtocol connection
// (the gateway's rpc::connection, so both sides use the same client code)
// and calls echo or work back to back; no HTTP, no actors.
//
//   thrift-load --port=9090 --threads=8 --call=work --us=200 --duration=5
//   -> tool=thrift-load call=work threads=8 calls=... errors=0 rps=... p50_us=... ...
#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <thrift/Thrift.h>

#include "actorgate/rpc/connection.hpp"
#include "apps/work.hpp"
#include "bench/tools/args.hpp"
#include "bench/tools/latency.hpp"
#include "compute/Compute.h"

namespace {

using namespace std::chrono;
using actorgate::rpc::connection;
using actorgate::rpc::endpoint;

struct settings {
  endpoint target;
  int threads = 8;
  bool work = false;
  std::int32_t us = 200;
  std::string msg = "hello";
  duration<double> run_for{5.0};
  std::int64_t max_calls = 0; // 0: no limit, stop at run_for
};

// Holds every thread until all have connected, so connection set-up is not
// part of the measured time.
class start_gate {
public:
  explicit start_gate(int n) : waiting_(n) {}
  steady_clock::time_point arrive_and_wait() {
    std::unique_lock<std::mutex> g{mutex_};
    if (--waiting_ == 0) {
      start_ = steady_clock::now();
      cv_.notify_all();
    } else {
      cv_.wait(g, [this] { return waiting_ == 0; });
    }
    return start_;
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int waiting_;
  steady_clock::time_point start_;
};

struct thread_result {
  std::vector<std::uint64_t> ns;
  std::int64_t errors = 0;
  std::string first_error;
  steady_clock::time_point finished;
};

// One call; a wrong answer counts as an error like a transport failure.
void call_once(compute::ComputeClient& client, const settings& s, std::int64_t expected) {
  if (s.work) {
    if (client.work(s.us) != expected)
      throw std::runtime_error("work() returned a wrong checksum");
  } else {
    std::string out;
    client.echo(out, s.msg);
    if (out != s.msg)
      throw std::runtime_error("echo() returned '" + out + "'");
  }
}

void run_thread(const settings& s, start_gate& gate, std::atomic<std::int64_t>& claimed,
                thread_result& r) {
  const std::int64_t expected = compute::work_checksum(s.us);
  connection conn{s.target};
  std::unique_ptr<compute::ComputeClient> client;
  auto fail = [&r](const std::string& what) {
    if (r.errors++ == 0)
      r.first_error = what;
  };
  try {
    conn.open(s.target.connect_timeout);
    client = std::make_unique<compute::ComputeClient>(conn.protocol());
  } catch (const std::exception& e) {
    fail(std::string("connect: ") + e.what());
  }
  auto start = gate.arrive_and_wait();
  if (!client) {
    r.finished = start;
    return;
  }
  auto end = start + duration_cast<steady_clock::duration>(s.run_for);
  r.ns.reserve(1 << 16);
  // Any failure fails the whole run, so a thread stops at its first one
  // instead of measuring reconnects.
  while (r.errors == 0 && steady_clock::now() < end) {
    if (s.max_calls > 0 && claimed.fetch_add(1, std::memory_order_relaxed) >= s.max_calls)
      break;
    auto t0 = steady_clock::now();
    try {
      call_once(*client, s, expected);
      r.ns.push_back(
          static_cast<std::uint64_t>(duration_cast<nanoseconds>(steady_clock::now() - t0).count()));
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
  r.finished = steady_clock::now();
}

// This process's CPU time: the client side's cost of a call, to compare with
// the gateway's CPU per request (the gateway runs the same client code).
double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

settings parse(int argc, char** argv) {
  bench::args a{argc,
                argv,
                {"host", "port", "threads", "call", "us", "msg", "duration", "calls", "transport",
                 "timeout-ms"}};
  settings s;
  s.target.host = a.text("host", "127.0.0.1");
  s.target.port = static_cast<std::uint16_t>(a.integer("port", 9090));
  s.threads = static_cast<int>(a.integer("threads", 8));
  auto call = a.text("call", "echo");
  if (call != "echo" && call != "work")
    throw std::invalid_argument("--call must be echo or work");
  s.work = call == "work";
  s.us = static_cast<std::int32_t>(a.integer("us", 200));
  s.msg = a.text("msg", "hello");
  s.run_for = duration<double>(a.number("duration", 5.0));
  s.max_calls = a.integer("calls", 0);
  if (!actorgate::rpc::parse_transport(a.text("transport", "framed"), s.target.transport))
    throw std::invalid_argument("--transport must be framed or buffered");
  s.target.call_timeout = milliseconds(a.integer("timeout-ms", 10'000));
  s.target.connect_timeout = milliseconds(2'000);
  if (s.threads < 1 || s.run_for.count() <= 0)
    throw std::invalid_argument("--threads and --duration must be positive");
  return s;
}

} // namespace

int main(int argc, char** argv) {
  // Thrift logs every socket error itself; failures are reported once below.
  apache::thrift::GlobalOutput.setOutputFunction([](const char*) {});
  settings s;
  try {
    s = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "thrift-load: " << e.what()
              << "\nusage: thrift-load --port=P [--host=127.0.0.1] [--threads=8] "
                 "[--call=echo|work] [--us=200] [--msg=hello] [--duration=5] [--calls=K] "
                 "[--transport=framed] [--timeout-ms=10000]\n";
    return 2;
  }
  start_gate gate{s.threads + 1};
  std::atomic<std::int64_t> claimed{0};
  std::vector<thread_result> results(static_cast<std::size_t>(s.threads));
  std::vector<std::thread> threads;
  for (auto& r : results)
    threads.emplace_back([&s, &gate, &claimed, &r] { run_thread(s, gate, claimed, r); });
  auto start = gate.arrive_and_wait();
  auto cpu0 = process_cpu_seconds();
  for (auto& t : threads)
    t.join();
  auto cpu = process_cpu_seconds() - cpu0;

  std::vector<std::uint64_t> all;
  std::int64_t errors = 0;
  std::string first_error;
  auto finished = start;
  for (auto& r : results) {
    all.insert(all.end(), r.ns.begin(), r.ns.end());
    if (errors == 0 && r.errors > 0)
      first_error = r.first_error;
    errors += r.errors;
    finished = std::max(finished, r.finished);
  }
  double seconds = duration<double>(finished - start).count();
  auto calls = static_cast<std::int64_t>(all.size());
  auto lat = bench::summarize(all);
  std::cout << std::fixed << std::setprecision(1)
            << "tool=thrift-load call=" << (s.work ? "work" : "echo")
            << " us=" << (s.work ? s.us : 0) << " threads=" << s.threads << " requests=" << calls
            << " errors=" << errors << " duration_s=" << std::setprecision(3) << seconds
            << std::setprecision(1) << " rps=" << (seconds > 0 ? calls / seconds : 0.0)
            << " p50_us=" << lat.p50_us << " p99_us=" << lat.p99_us << " p999_us=" << lat.p999_us
            << " max_us=" << lat.max_us << std::setprecision(2) << " client_cpu_s=" << cpu
            << " client_cpu_us_per_call="
            << (calls > 0 ? cpu * 1e6 / static_cast<double>(calls) : 0.0) << std::endl;
  if (errors > 0) {
    std::cerr << "thrift-load: " << errors << " failed calls; first: " << first_error << "\n";
    return 1;
  }
  if (calls == 0) {
    std::cerr << "thrift-load: no call completed\n";
    return 1;
  }
  return 0;
}
