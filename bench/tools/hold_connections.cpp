// hold-connections: how many idle keep-alive connections a server holds. It
// opens N connections, proves each is served (one GET /ping), keeps them open
// for a while, then checks that every one still answers and that a fresh
// connection does too. The line "holding N connections" on stdout marks the
// moment all are open, so a caller can sample the server's memory then.
//
//   hold-connections --port=8080 --connections=10000 --hold=10
//   -> tool=hold-connections connections=10000 held=10000 fresh_ping=ok open_s=...
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/tools/args.hpp"
#include "bench/tools/http_ping.hpp"

namespace {

// Each held connection is one descriptor here; the default soft limit (often
// 1024) would stop the test long before the server's limit is reached.
bool raise_fd_limit(std::size_t needed, std::string& err) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    err = "getrlimit failed";
    return false;
  }
  if (lim.rlim_cur >= needed)
    return true;
  if (lim.rlim_max < needed) {
    lim.rlim_max = needed; // root may raise the hard limit too
  }
  lim.rlim_cur = needed;
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    ::getrlimit(RLIMIT_NOFILE, &lim);
    err = "need " + std::to_string(needed) + " open files, the hard limit is " +
          std::to_string(lim.rlim_max);
    return false;
  }
  return true;
}

// An idle keep-alive connection the server closed is readable (EOF or RST).
bool still_open(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string host;
  std::uint16_t port = 0;
  std::size_t count = 0;
  double hold_s = 0;
  int timeout_ms = 0;
  try {
    bench::args a{argc, argv, {"host", "port", "connections", "hold", "timeout-ms"}};
    host = a.text("host", "127.0.0.1");
    port = static_cast<std::uint16_t>(a.integer("port", 0));
    count = static_cast<std::size_t>(a.integer("connections", 10000));
    hold_s = a.number("hold", 10);
    timeout_ms = static_cast<int>(a.integer("timeout-ms", 5000));
    if (port == 0)
      throw std::invalid_argument("--port is required");
  } catch (const std::exception& e) {
    std::cerr << "hold-connections: " << e.what()
              << "\nusage: hold-connections --port=P [--host=127.0.0.1] [--connections=10000] "
                 "[--hold=10] [--timeout-ms=5000]\n";
    return 2;
  }
  std::string err;
  if (!raise_fd_limit(count + 64, err)) {
    std::cerr << "hold-connections: " << err << "\n";
    return 1;
  }

  std::vector<int> fds;
  fds.reserve(count);
  auto close_all = [&fds] {
    for (int fd : fds)
      ::close(fd);
  };
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    int fd = bench::connect_tcp(host, port, timeout_ms, err);
    if (fd < 0 || !bench::ping(fd, err)) {
      std::cerr << "hold-connections: connection " << i + 1 << " of " << count << ": " << err
                << "\n";
      if (fd >= 0)
        ::close(fd);
      close_all();
      return 1;
    }
    fds.push_back(fd);
  }
  double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "hold-connections holding " << count << " connections to " << host << ":" << port
            << " for " << hold_s << " s" << std::endl;
  std::this_thread::sleep_for(std::chrono::duration<double>(hold_s));

  std::size_t held = 0;
  std::string first_lost;
  for (int fd : fds) {
    std::string why;
    if (!still_open(fd))
      why = "closed by the server while idle";
    else if (bench::ping(fd, why))
      ++held;
    if (!why.empty() && first_lost.empty())
      first_lost = why;
  }
  // The fresh connection comes after the held ones are re-checked, so it
  // also proves the server still accepts while it holds them all.
  bool fresh_ok = false;
  int fd = bench::connect_tcp(host, port, timeout_ms, err);
  if (fd >= 0) {
    fresh_ok = bench::ping(fd, err);
    ::close(fd);
  }
  close_all();

  std::cout << std::fixed << std::setprecision(3) << "tool=hold-connections connections=" << count
            << " held=" << held << " fresh_ping=" << (fresh_ok ? "ok" : "failed")
            << " open_s=" << open_s << std::endl;
  if (held != count)
    std::cerr << "hold-connections: " << count - held << " connections lost; first: " << first_lost
              << "\n";
  if (!fresh_ok)
    std::cerr << "hold-connections: /ping on a fresh connection failed: " << err << "\n";
  return held == count && fresh_ok ? 0 : 1;
}
