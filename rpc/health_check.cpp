#include "actorgate/rpc/health_check.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace actorgate::rpc {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long poll() waits at most before it looks at the stop flag again.
constexpr milliseconds stop_slice{100};

// Errors after which nothing will answer at that address until it changes:
// a refused connect (no listener: the process is gone) or no route to it.
bool refusal(int err) {
  return err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH;
}

// One endpoint's check: its addresses, tried in turn, and the connect now on
// its way, if any.
class check {
public:
  explicit check(const endpoint& ep) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    // Resolved for each check, so that a name that moves is followed.
    if (::getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &addrs_) != 0) {
      addrs_ = nullptr;
      result_ = check_result::failed;
      return;
    }
    // From here: a slow name lookup must not eat into the connect's time.
    until_ = clock::now() + ep.connect_timeout;
    next_ = addrs_;
    connect_next();
  }
  ~check() {
    close();
    if (addrs_)
      ::freeaddrinfo(addrs_);
  }
  check(const check&) = delete;
  check& operator=(const check&) = delete;

  bool done() const { return fd_ < 0; }
  int fd() const { return fd_; }
  clock::time_point until() const { return until_; }
  check_result result() const { return result_; }

  // poll() saw the connect end: connected, or on to the next address.
  void ready() {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      err = errno;
    if (err == 0)
      return finish(check_result::connected);
    close();
    refused_only_ = refused_only_ && refusal(err);
    connect_next();
  }
  // Out of time (or the pool is ending): a timeout says nothing for sure.
  void give_up() { finish(check_result::failed); }

private:
  // Starts a connect to the next address that does not fail at once;
  // finishes if one connects at once or none is left.
  void connect_next() {
    for (; next_; next_ = next_->ai_next) {
      fd_ = ::socket(next_->ai_family, next_->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                     next_->ai_protocol);
      if (fd_ < 0) {
        refused_only_ = false;
        continue;
      }
      tried_ = true;
      int rc = ::connect(fd_, next_->ai_addr, next_->ai_addrlen);
      if (rc == 0) {
        next_ = nullptr;
        return finish(check_result::connected);
      }
      if (errno == EINPROGRESS) {
        next_ = next_->ai_next;
        return;
      }
      refused_only_ = refused_only_ && refusal(errno);
      close();
    }
    finish(tried_ && refused_only_ ? check_result::refused : check_result::failed);
  }
  void finish(check_result r) {
    result_ = r;
    close();
  }
  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  clock::time_point until_{};
  addrinfo* addrs_ = nullptr;
  addrinfo* next_ = nullptr;
  int fd_ = -1;
  bool tried_ = false;
  bool refused_only_ = true;
  check_result result_ = check_result::failed;
};

} // namespace

std::vector<check_result> check_connects(const std::vector<endpoint>& targets,
                                         const std::atomic<bool>& stop) {
  std::vector<std::unique_ptr<check>> checks;
  for (const auto& ep : targets)
    checks.push_back(std::make_unique<check>(ep));
  std::vector<pollfd> fds;
  std::vector<check*> polled;
  for (;;) {
    auto now = clock::now();
    auto wait = stop_slice;
    fds.clear();
    polled.clear();
    for (auto& c : checks) {
      if (c->done())
        continue;
      if (stop.load(std::memory_order_relaxed)) {
        c->give_up();
        continue;
      }
      // Rounded up: waking a moment early would only spin. One past its
      // time still gets a look (a wait of 0): a slow name lookup of another
      // endpoint may have kept this loop from a connect that got through.
      wait = std::min(wait,
                      std::max(milliseconds{0}, std::chrono::ceil<milliseconds>(c->until() - now)));
      fds.push_back(pollfd{c->fd(), POLLOUT, 0});
      polled.push_back(c.get());
    }
    if (fds.empty())
      break;
    if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR)
      for (auto* c : polled) // cannot happen with valid descriptors; never spin
        c->give_up();
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (fds[i].revents != 0 && !polled[i]->done())
        polled[i]->ready();
    now = clock::now();
    for (auto* c : polled)
      if (!c->done() && now >= c->until())
        c->give_up();
  }
  std::vector<check_result> out;
  for (const auto& c : checks)
    out.push_back(c->result());
  return out;
}

caf::behavior health_checker(caf::event_based_actor* self, std::vector<endpoint> endpoints,
                             std::shared_ptr<const std::atomic<bool>> stop) {
  return {[self, endpoints = std::move(endpoints), stop](check_atom, health_round& round) {
    // A pool whose endpoints grow (DNS discovery) sends the addresses
    // along: the list this actor started with may be out of date.
    auto targets = round.targets;
    if (targets.empty())
      for (auto i : round.endpoints)
        targets.push_back(endpoints.at(i));
    round.results = check_connects(targets, *stop);
    self->send(caf::actor_cast<caf::actor>(self->current_sender()), checked_atom::value,
               std::move(round));
  }};
}

} // namespace actorgate::rpc
