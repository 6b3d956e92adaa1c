// check_connects: what a health check finds at a listener, a closed port and
// a host that answers no SYN, made on loopback sockets of the test's own.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "actorgate/rpc/health_check.hpp"

using namespace actorgate::rpc;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// A loopback TCP socket bound to an ephemeral port; listening with `backlog`
// unless it is negative (then a connect to the port is refused).
class socket_on_port {
public:
  explicit socket_on_port(int backlog) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    if (backlog >= 0)
      REQUIRE(::listen(fd_, backlog) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    addr_ = a;
  }
  ~socket_on_port() {
    for (int c : fillers_)
      ::close(c);
    ::close(fd_);
  }
  // Fills the accept queue of a listener that never accepts: further SYNs
  // are dropped, so a connect hangs until its timeout.
  void fill_backlog() {
    for (int i = 0; i < 3; ++i) {
      int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      ::connect(c, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_);
      fillers_.push_back(c);
    }
    std::this_thread::sleep_for(50ms);
  }
  // The next connection in the accept queue, within `limit`; -1 if none.
  int accept_within(milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) != 1)
      return -1;
    return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  }
  std::uint16_t port = 0;

private:
  int fd_ = -1;
  sockaddr_in addr_{};
  std::vector<int> fillers_;
};

endpoint at(std::uint16_t port, milliseconds connect_timeout = 500ms) {
  endpoint ep;
  ep.port = port;
  ep.connect_timeout = connect_timeout;
  return ep;
}

milliseconds since(steady_clock::time_point t) {
  return duration_cast<milliseconds>(steady_clock::now() - t);
}

} // namespace

TEST_CASE("a check connects to a listener and closes the connection at once, with a FIN") {
  socket_on_port listener{16};
  std::atomic<bool> stop{false};
  auto found = check_connects({at(listener.port)}, stop);
  REQUIRE(found.size() == 1);
  CHECK(found[0] == check_result::connected);
  // The server side sees a connection that has already ended: its first
  // read is EOF (0), not a reset, and comes at once.
  int c = listener.accept_within(1000ms);
  REQUIRE(c >= 0);
  pollfd p{c, POLLIN, 0};
  CHECK(::poll(&p, 1, 1000) == 1);
  char byte;
  CHECK(::recv(c, &byte, 1, 0) == 0);
  ::close(c);
  // And only that one connection.
  CHECK(listener.accept_within(50ms) < 0);
}

TEST_CASE("a check of a port nothing listens on is refused") {
  socket_on_port bound_only{-1}; // keeps the port from being reused meanwhile
  std::atomic<bool> stop{false};
  auto start = steady_clock::now();
  auto found = check_connects({at(bound_only.port)}, stop);
  REQUIRE(found.size() == 1);
  CHECK(found[0] == check_result::refused);
  CHECK(since(start) < 200ms);
}

TEST_CASE("a check resolves a host name") {
  socket_on_port listener{16};
  std::atomic<bool> stop{false};
  auto ep = at(listener.port);
  ep.host = "localhost";
  CHECK(check_connects({ep}, stop) == std::vector<check_result>{check_result::connected});
}

TEST_CASE("checks run together: a host that answers no SYN delays no other's check") {
  socket_on_port hole_a{0}, hole_b{0}, listener{16};
  socket_on_port closed{-1};
  hole_a.fill_backlog();
  hole_b.fill_backlog();
  std::atomic<bool> stop{false};
  auto start = steady_clock::now();
  auto found = check_connects(
      {at(hole_a.port, 300ms), at(listener.port), at(hole_b.port, 300ms), at(closed.port)}, stop);
  auto took = since(start);
  CHECK(found == std::vector<check_result>{check_result::failed, check_result::connected,
                                           check_result::failed, check_result::refused});
  // Each hole takes its connect timeout; together, not one after the other.
  CHECK(took >= 290ms);
  CHECK(took < 550ms);
  MESSAGE("two timeouts of 300 ms and two answers took " << took.count() << " ms");
}

TEST_CASE("stopping cuts a round short") {
  socket_on_port hole{0};
  hole.fill_backlog();
  std::atomic<bool> stop{false};
  auto start = steady_clock::now();
  auto round =
      std::async(std::launch::async, [&] { return check_connects({at(hole.port, 10s)}, stop); });
  std::this_thread::sleep_for(50ms);
  stop = true;
  auto found = round.get();
  CHECK(found == std::vector<check_result>{check_result::failed});
  CHECK(since(start) < 1000ms);
}

TEST_CASE("no targets, no wait") {
  std::atomic<bool> stop{false};
  CHECK(check_connects({}, stop).empty());
}
