#include "http/server.hpp"

#include <algorithm>
#include <iostream>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include "http/session.hpp"

namespace actorgate::http {

using tcp = net::ip::tcp;

// One io_context per IO thread: a session stays on the thread that accepted
// it, so its handlers are serialized without a strand and the executor type
// is concrete (no any_io_executor dispatch on every operation).
struct server::impl {
  server_options opts;
  std::shared_ptr<const route_table> routes;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<executor>> guards;
  std::unique_ptr<net::basic_socket_acceptor<tcp, executor>> acceptor;
  std::shared_ptr<session_registry> registry = std::make_shared<session_registry>();
  std::vector<std::thread> threads;
  std::size_t next = 0;
  std::atomic<bool> stopped{false};

  impl(server_options o, std::shared_ptr<const route_table> r)
      : opts(std::move(o)), routes(std::move(r)) {
    auto n = std::max<std::size_t>(1, opts.io_threads);
    for (std::size_t i = 0; i < n; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
      guards.push_back(net::make_work_guard(contexts.back()->get_executor()));
    }
    acceptor = std::make_unique<net::basic_socket_acceptor<tcp, executor>>(
        contexts.front()->get_executor());
  }

  void do_accept() {
    auto& ctx = *contexts[next++ % contexts.size()];
    acceptor->async_accept(ctx.get_executor(), [this](beast::error_code ec, socket_type sock) {
      if (ec == net::error::operation_aborted || !acceptor->is_open())
        return;
      if (ec) {
        // EMFILE and the like: keep the listener alive; the next accept may
        // succeed once connections have closed.
        std::cerr << "actorgate: accept failed: " << ec.message() << "\n";
      } else if (registry->size() >= opts.max_connections) {
        beast::error_code ignored;
        sock.close(ignored);
      } else {
        sock.set_option(tcp::no_delay(true), ec);
        auto s = std::make_shared<session>(std::move(sock), opts, routes, registry);
        registry->add(s);
        s->run();
      }
      do_accept();
    });
  }
};

server::server(server_options opts, std::shared_ptr<const route_table> routes)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(routes))) {}

server::~server() {
  shutdown(std::chrono::milliseconds(0));
}

std::uint16_t server::start() {
  auto& d = *impl_;
  tcp::endpoint ep{net::ip::make_address(d.opts.address), d.opts.port};
  d.acceptor->open(ep.protocol());
  d.acceptor->set_option(net::socket_base::reuse_address(true));
  d.acceptor->bind(ep);
  d.acceptor->listen(net::socket_base::max_listen_connections);
  auto port = d.acceptor->local_endpoint().port();
  d.do_accept();
  for (auto& ctx : d.contexts)
    d.threads.emplace_back([c = ctx.get()] { c->run(); });
  return port;
}

std::size_t server::shutdown(std::chrono::milliseconds grace) {
  auto& d = *impl_;
  if (d.stopped.exchange(true))
    return 0;
  net::post(d.acceptor->get_executor(), [&d] {
    beast::error_code ec;
    d.acceptor->close(ec);
  });
  d.registry->drain_all();
  auto until = std::chrono::steady_clock::now() + grace;
  while (d.registry->size() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto left = d.registry->size();
  d.registry->close();
  d.guards.clear();
  for (auto& ctx : d.contexts)
    ctx->stop();
  for (auto& t : d.threads)
    t.join();
  d.threads.clear();
  return left;
}

std::size_t server::connections() const {
  return impl_->registry->size();
}

} // namespace actorgate::http
