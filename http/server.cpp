#include "actorgate/http/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <shared_mutex>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <caf/actor_system.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include "actorgate/http/session.hpp"
#include "actorgate/http/session_registry.hpp"
#include "actorgate/http/tls_context.hpp"

namespace actorgate::http {

using tcp = net::ip::tcp;

namespace {

// One IO thread: its io_context runs the sessions accepted onto it and the
// actors hosted on it.
class io_thread final : public actor_host {
public:
  explicit io_thread(caf::actor_system& sys)
      : actor_host(&sys), ctx_(1), guard_(net::make_work_guard(ctx_.get_executor())) {}

  net::io_context& context() { return ctx_; }

  // A message sent by a session (no actor running on this thread) wakes its
  // hosted actor right here instead of in a later round of the io_context,
  // which cost a post and a poll of the reactor (a system call; about 3 % of
  // a /ping's instructions). Sessions expect it (session::route_request
  // sends last). Actors never nest: one woken by an actor running here (the
  // pool answering a route actor) runs right after it, in the same round, up
  // to a bound; beyond it, and from other threads, resumes are posted.
  void schedule(caf::resumable* job) override {
    if (ctx_.get_executor().running_in_this_thread()) {
      if (!resuming_)
        return resume_now(job);
      if (next_.size() < max_chained) {
        next_.push_back(job);
        return;
      }
    }
    post(job);
  }

  void start() {
    thread_ = std::thread([this] { ctx_.run(); });
  }

  // Later wake-ups go to CAF's scheduler; resumes already posted here run
  // once more on the calling thread so that no actor is left asleep.
  void stop() {
    {
      std::unique_lock<std::shared_mutex> g{closed_mutex_};
      closed_ = true;
    }
    guard_.reset();
    ctx_.stop();
    if (thread_.joinable())
      thread_.join();
    ctx_.restart();
    for (int rounds = 0; rounds < 1000 && ctx_.poll() > 0; ++rounds) {
    }
  }

private:
  // Resumes in one round at most: enough for a request's chain of actors,
  // few enough that sessions and timers are not kept waiting.
  static constexpr std::size_t max_chained = 16;

  void resume_now(caf::resumable* job) {
    resuming_ = true;
    run(job);
    for (std::size_t i = 0; i < next_.size(); ++i) // run() may append
      run(next_[i]);
    next_.clear();
    resuming_ = false;
  }

  void post(caf::resumable* job) {
    std::shared_lock<std::shared_mutex> g{closed_mutex_};
    if (closed_)
      system().scheduler().enqueue(job);
    else
      net::post(ctx_, [this, job] { resume_now(job); });
  }

  net::io_context ctx_;
  // Only touched on this IO thread.
  bool resuming_ = false;
  std::vector<caf::resumable*> next_;
  net::executor_work_guard<executor> guard_;
  std::thread thread_;
  std::shared_mutex closed_mutex_;
  bool closed_ = false;
};

} // namespace

// A session stays on the IO thread that accepted it, so its handlers are
// serialized without a strand and the executor type is concrete (no
// call through a type-erased any_io_executor on every operation).
struct server::impl {
  server_options opts;
  std::shared_ptr<const route_table> routes;
  std::shared_ptr<observer_list> observers = std::make_shared<observer_list>();
  std::vector<std::unique_ptr<io_thread>> threads;
  std::unique_ptr<net::basic_socket_acceptor<tcp, executor>> acceptor;
  std::unique_ptr<timer_type> accept_pause; // after EMFILE
  std::shared_ptr<session_registry> registry = std::make_shared<session_registry>();
  std::unique_ptr<tls_context> tls; // null: plain HTTP
  std::size_t next = 0;
  bool draining = false;
  bool stopped = false;

  impl(caf::actor_system& sys, server_options o) : opts(std::move(o)) {
    if (!opts.tls_cert.empty() || !opts.tls_key.empty())
      tls = std::make_unique<tls_context>(opts.tls_cert, opts.tls_key);
    auto n = std::max<std::size_t>(1, opts.io_threads);
    for (std::size_t i = 0; i < n; ++i)
      threads.push_back(std::make_unique<io_thread>(sys));
    acceptor = std::make_unique<net::basic_socket_acceptor<tcp, executor>>(
        threads.front()->context().get_executor());
    accept_pause = std::make_unique<timer_type>(threads.front()->context().get_executor());
    for (auto& t : threads)
      t->start();
  }

  // One async_accept per wake-up, then the connections already waiting, up
  // to accept_burst, with non-blocking accepts in the same turn. One
  // connection per turn of the io_context let a burst (10,000 clients
  // connecting at once) wait behind every ready handler once per
  // connection: p99 of /ping at 10,000 connections was 2.9 s against
  // nginx's 0.26 s. The bound keeps a flood of connects from starving the
  // open connections.
  static constexpr int accept_burst = 64;

  void do_accept() {
    auto thread = next++ % threads.size();
    acceptor->async_accept(threads[thread]->context().get_executor(),
                           [this, thread](beast::error_code ec, socket_type sock) {
                             if (!take(ec, std::move(sock), thread))
                               return;
                             for (int i = 0; i < accept_burst; ++i) {
                               auto t = next % threads.size();
                               auto more =
                                   acceptor->accept(threads[t]->context().get_executor(), ec);
                               if (ec == net::error::would_block || ec == net::error::try_again)
                                 break;
                               ++next;
                               if (!take(ec, std::move(more), t))
                                 return;
                             }
                             do_accept();
                           });
  }

  // A connection from accept (or its error): false when accepting stops,
  // for good (closed) or for a pause (out of descriptors).
  bool take(beast::error_code ec, socket_type sock, std::size_t thread) {
    if (ec == net::error::operation_aborted || !acceptor->is_open())
      return false;
    if (ec == net::error::no_descriptors || ec.value() == ENFILE ||
        ec == net::error::no_buffer_space) {
      // Out of file descriptors: accepting again at once would spin. The
      // pending connection waits in the backlog; open ones go on working.
      std::cerr << "actorgate: accept failed: " << ec.message() << "; pausing 100 ms\n";
      accept_pause->expires_after(std::chrono::milliseconds(100));
      accept_pause->async_wait([this](beast::error_code e) {
        if (!e && acceptor->is_open())
          do_accept();
      });
      return false;
    }
    if (ec) {
      // A connection that failed before we took it (e.g. reset): skip it.
    } else if (registry->size() >= opts.max_connections) {
      beast::error_code ignored;
      sock.close(ignored);
      for (const auto& o : *observers)
        o->on_connection_refused();
    } else {
      sock.set_option(tcp::no_delay(true), ec);
      auto s = std::make_shared<session>(std::move(sock), opts, routes, registry, observers, thread,
                                         tls ? tls->current() : nullptr);
      registry->add(s);
      s->run();
    }
    return true;
  }
};

server::server(caf::actor_system& sys, server_options opts)
    : impl_(std::make_unique<impl>(sys, std::move(opts))) {}

server::~server() {
  shutdown(std::chrono::milliseconds(0));
  stop();
}

actor_host* server::host(std::size_t i) {
  return impl_->threads.at(i % impl_->threads.size()).get();
}

void server::observe(std::shared_ptr<exchange_observer> o) {
  impl_->observers->push_back(std::move(o));
}

namespace {

// Raises the soft open-file limit to the hard one and returns how many
// connections fit under it, keeping room for the process's other files
// (backend connections, logs, the listener).
std::size_t connections_within_fd_limit(std::size_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return wanted;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  constexpr rlim_t reserve = 128;
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= wanted + reserve)
    return wanted;
  auto fit = lim.rlim_cur > 2 * reserve ? lim.rlim_cur - reserve : lim.rlim_cur / 2;
  std::cerr << "actorgate: http.max-connections=" << wanted << " does not fit the open-file limit ("
            << lim.rlim_cur << "); serving at most " << fit << " connections\n";
  return static_cast<std::size_t>(fit);
}

} // namespace

std::uint16_t server::start(std::shared_ptr<const route_table> routes) {
  auto& d = *impl_;
  d.opts.max_connections = connections_within_fd_limit(d.opts.max_connections);
  d.routes = std::move(routes);
  tcp::endpoint ep{net::ip::make_address(d.opts.address), d.opts.port};
  d.acceptor->open(ep.protocol());
  d.acceptor->set_option(net::socket_base::reuse_address(true));
  d.acceptor->bind(ep);
  d.acceptor->listen(net::socket_base::max_listen_connections);
  d.acceptor->non_blocking(true); // the burst's accepts return would_block
  auto port = d.acceptor->local_endpoint().port();
  net::post(d.acceptor->get_executor(), [&d] { d.do_accept(); });
  return port;
}

std::string server::reload_tls() {
  return impl_->tls ? impl_->tls->reload() : std::string{};
}

std::size_t server::shutdown(std::chrono::milliseconds grace) {
  auto& d = *impl_;
  if (d.draining)
    return d.registry->size();
  d.draining = true;
  net::post(d.acceptor->get_executor(), [&d] {
    beast::error_code ec;
    d.acceptor->close(ec);
    d.accept_pause->cancel();
  });
  d.registry->drain_all();
  auto until = std::chrono::steady_clock::now() + grace;
  while (d.registry->size() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return d.registry->size();
}

void server::stop() {
  auto& d = *impl_;
  if (d.stopped)
    return;
  d.stopped = true;
  d.registry->close();
  for (auto& t : d.threads)
    t->stop();
}

} // namespace actorgate::http
