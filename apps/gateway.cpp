#include "apps/gateway.hpp"

#include <iostream>

#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "apps/signals.hpp"
#include "metrics/admin_page.hpp"

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
  patterns_.emplace_back(pattern);
}

void gateway::list_pool(const std::shared_ptr<rpc::pool_stats>& stats) {
  for (const auto& p : pool_stats_)
    if (p == stats)
      return; // two pools given the same options share one stats object
  // The name is the metrics' pool label: it must tell pools apart.
  auto taken = [this](const std::string& name) {
    for (const auto& p : pool_stats_)
      if (p->name == name)
        return true;
    return false;
  };
  auto base = stats->name.empty() ? std::string{"pool"} : stats->name;
  auto name = base;
  for (int n = 2; taken(name); ++n)
    name = base + "-" + std::to_string(n);
  stats->name = name;
  pool_stats_.push_back(stats);
}

void gateway::add_metrics() {
  const auto& m = settings_.metrics;
  if (!m.enabled)
    return;
  // Every route is known by now (the table is immutable once served), so
  // the observer sizes its per-route counters once, its own routes included.
  auto patterns = patterns_;
  patterns.push_back(m.path);
  std::string config_path = m.admin_path + "/config";
  if (!m.admin_path.empty())
    patterns.insert(patterns.end(), {m.admin_path, config_path});
  metrics_ = std::make_shared<metrics::registry>(std::move(patterns), pool_stats_);
  // Hosted: a scrape renders a few KB, too little to be worth a thread hand-off.
  route(method::get, m.path,
        hosted(metrics::metrics_route, std::shared_ptr<const metrics::registry>(metrics_)));
  if (!m.admin_path.empty()) {
    route(method::get, m.admin_path, hosted(metrics::fixed_route, metrics::admin_page()));
    route(method::get, config_path,
          hosted(metrics::fixed_route, response::json(200, cfg_.settings_json())));
  }
  server_->observe(metrics_->observer());
}

int gateway::run() {
  int rc = 0;
  try {
    add_metrics();
    auto port = server_->start(routes_);
    const auto& t = settings_.pool.worker.target;
    std::cout << program_ << " listening on http://" << settings_.http.address << ":" << port
              << " (config " << cfg_.file_used() << "; backend " << t.host << ":" << t.port
              << ", pool " << settings_.pool.workers << " workers, " << settings_.http.io_threads
              << " IO threads)" << std::endl;
    int sig = wait_for_stop_signal();
    std::cout << program_ << ": signal " << sig << ", draining for up to "
              << settings_.shutdown_grace.count() << " ms" << std::endl;
    auto cut = server_->shutdown(settings_.shutdown_grace);
    std::cout << program_ << ": drained (" << cut << " connections cut at the deadline)"
              << std::endl;
  } catch (const std::invalid_argument& e) {
    // Only the metrics and admin routes are added here: a path clashes.
    std::cerr << program_ << ": http.metrics-path or http.admin-path: " << e.what() << std::endl;
    rc = 2;
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
