#include "apps/gateway.hpp"

#include <iostream>

#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "apps/ready_route.hpp"
#include "apps/signals.hpp"

namespace actorgate::apps {

gateway::gateway(int argc, char** argv, const char* program, const std::vector<std::string>& pools)
    : program_(program), cfg_(pools) {
  // Before any thread exists, so that every thread inherits the mask.
  block_stop_signals();
  exit_code_ = cfg_.load(argc, argv, program, std::cerr);
  if (exit_code_)
    return;
  settings_ = cfg_.gateway();
  sys_.emplace(cfg_);
  server_.emplace(*sys_, settings_.http);
}

gateway::~gateway() {
  if (server_) {
    server_->shutdown(std::chrono::milliseconds(0));
    for (const auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    server_->stop();
  }
}

caf::actor gateway::keep(caf::actor a) {
  actors_.push_back(a);
  return a;
}

void gateway::route(method m, std::string_view pattern, caf::actor target) {
  routes_->add(m, pattern, std::move(target));
}

int gateway::run() {
  int rc = 0;
  try {
    if (!settings_.ready_path.empty())
      route(method::get, settings_.ready_path, hosted(ready_route, pool_stats_));
  } catch (const std::invalid_argument& e) {
    std::cerr << program_ << ": http.ready-path: " << e.what() << std::endl;
    return 2;
  }
  try {
    auto port = server_->start(routes_);
    ;
    std::string backends;
    for (const auto& t : settings_.pool.endpoints)
      backends += (backends.empty() ? "" : ",") + t.host + ":" + std::to_string(t.port);
    std::cout << program_ << " listening on http://" << settings_.http.address << ":" << port
              << " (config " << cfg_.file_used() << "; backend " << backends << ", pool "
              << settings_.pool.workers << " workers, " << settings_.http.io_threads
              << " IO threads)" << std::endl;
    int sig = wait_for_stop_signal();
    std::cout << program_ << ": signal " << sig << ", draining for up to "
              << settings_.shutdown_grace.count() << " ms" << std::endl;
    auto cut = server_->shutdown(settings_.shutdown_grace);
    std::cout << program_ << ": drained (" << cut << " connections cut at the deadline)"
              << std::endl;
  } catch (const std::exception& e) {
    std::cerr << program_ << ": cannot listen on " << settings_.http.address << ":"
              << settings_.http.port << ": " << e.what() << std::endl;
    rc = 1;
  }
  // End the actors while the IO threads that host them still run, and wait
  // (bounded) until they are gone; then end the IO threads.
  {
    caf::scoped_actor self{*sys_};
    for (const auto& a : actors_) {
      self->monitor(a);
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
    for (std::size_t i = 0; i < actors_.size(); ++i)
      self->receive(
          [](const caf::down_msg&) {},
          caf::after(std::chrono::seconds(5)) >>
              [this] { std::cerr << program_ << ": an actor did not stop within 5 s\n"; });
  }
  actors_.clear();
  server_->stop();
  std::cout << program_ << ": stopped" << std::endl;
  return rc;
}

} // namespace actorgate::apps
