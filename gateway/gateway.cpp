#include "actorgate/gateway/gateway.hpp"

#include <atomic>
#include <functional>
#include <iostream>
#include <sstream>

#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actorgate/actors/routes.hpp"
#include "actorgate/gateway/ready_route.hpp"
#include "actorgate/gateway/signals.hpp"
#include "actorgate/idl/route.hpp"
#include "actorgate/metrics/admin_page.hpp"

namespace actorgate {

// Counts answered requests, for the shutdown summary's "answered during the
// drain". One relaxed increment per request.
struct gateway::answer_count final : http::exchange_observer {
  std::atomic<std::uint64_t> answered{0};
  void on_exchange(const http::exchange&) noexcept override {
    answered.fetch_add(1, std::memory_order_relaxed);
  }
};

gateway::gateway(int argc, char** argv, const char* program, const std::vector<std::string>& pools)
    : program_(program), cfg_(gateway_groups(pools)) {
  // Before any thread exists, so that every thread inherits the mask.
  block_stop_signals();
  exit_code_ = cfg_.load(argc, argv, program, std::cerr);
  if (exit_code_)
    return;
  settings_ = cfg_.gateway();
  sys_.emplace(cfg_);
  try {
    server_.emplace(*sys_, settings_.http);
  } catch (const std::runtime_error& e) { // a TLS pair that cannot be served
    std::cerr << program_ << ": " << e.what() << std::endl;
    exit_code_ = 2;
    return;
  }
  answered_ = std::make_shared<answer_count>();
  server_->observe(answered_);
  if (!settings_.access_log.target.empty()) {
    try {
      access_log_ = std::make_shared<access_log>(settings_.access_log);
      server_->observe(access_log_);
    } catch (const std::exception& e) {
      std::cerr << program_ << ": " << e.what() << std::endl;
      exit_code_ = 2;
      return;
    }
  }
  if (auto idl = cfg_.idl(); !idl.source.file.empty() && !serve_idl(idl))
    exit_code_ = 2;
}

caf::actor gateway::generic_pool(rpc::pool_options opts) {
  opts.stats = list_pool(opts.stats);
  describe_pool(opts);
  return keep(rpc::spawn_generic_pool(*sys_, opts, io()));
}

bool gateway::serve_idl(const idl_settings& s) {
  try {
    auto svc = load_idl_service(s.source);
    for (const auto& w : svc->model.warnings())
      std::cerr << program_ << ": idl.file: warning: " << w << std::endl;
    auto pool = generic_pool(s.pool);
    for (std::size_t i = 0; i < svc->routes.size(); ++i)
      route(svc->routes[i].verb, svc->routes[i].pattern, per_thread(idl_route, svc, i, pool));
    route(method::get, idl::under_prefix(s.source.prefix, "openapi.json"),
          per_thread(idl_openapi_route, svc));
    return true;
  } catch (const idl::idl_error& e) {
    std::cerr << program_ << ": idl.file \"" << s.source.file << "\": " << e.what() << std::endl;
  } catch (const std::invalid_argument& e) { // two routes of the IDL on one path
    std::cerr << program_ << ": idl.file \"" << s.source.file << "\": " << e.what() << std::endl;
  }
  return false;
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
  route(m, pattern, std::vector<caf::actor>{std::move(target)});
}

void gateway::route(method m, std::string_view pattern, std::vector<caf::actor> replicas) {
  routes_->add(m, pattern, std::move(replicas));
  route_names_.push_back(std::string(to_string(m)) + " " + std::string(pattern));
  patterns_.emplace_back(pattern);
}

void gateway::websocket(std::string_view pattern, ws_factory make) {
  auto r = std::make_shared<http::ws_route>();
  r->make = std::move(make);
  for (std::size_t i = 0; i < settings_.http.io_threads; ++i)
    r->hosts.push_back(server_->host(i));
  r->stats = ws_stats_;
  routes_->add_websocket(pattern, std::move(r));
  route_names_.push_back("WS " + std::string(pattern));
  patterns_.emplace_back(pattern);
}

// Added last, so that a user's own route on the same path wins.
void gateway::add_health_route() {
  const auto& path = settings_.health_path;
  if (path.empty())
    return;
  auto existing = routes_->find(method::get, path);
  if (existing.actor != nullptr && existing.pattern == path)
    return;
  route(method::get, path, per_thread(health_route));
}

namespace {
std::string endpoint_list(const rpc::pool_options& opts) {
  std::string out;
  for (const auto& t : opts.endpoints)
    out += (out.empty() ? "" : ",") + rpc::to_string(t);
  for (const auto& d : opts.discover)
    out += (out.empty() ? "dns:" : ",dns:") + rpc::to_string(d);
  return out;
}
} // namespace

void gateway::describe_pool(const rpc::pool_options& opts) {
  std::ostringstream out;
  out << "  pool " << (opts.stats->name.empty() ? std::string("(unnamed)") : opts.stats->name)
      << ": " << opts.workers << " worker(s), queue " << opts.queue_limit << ", "
      << rpc::to_string(opts.balance) << " over " << endpoint_list(opts) << "\n";
  pool_lines_.push_back(out.str());
  pool_names_.push_back(opts.stats->name + " " + std::to_string(opts.workers) + " workers over " +
                        endpoint_list(opts));
}

std::string gateway::startup_summary(std::uint16_t port) {
  const auto& h = settings_.http;
  std::ostringstream out;
  // The first line's format is what tests/support/process.cpp and bench/
  // read the port from: keep it.
  std::string pools;
  for (const auto& p : pool_names_)
    pools += (pools.empty() ? "" : ", ") + p;
  out << program_ << " listening on " << (h.tls_cert.empty() ? "http" : "https") << "://"
      << h.address << ":" << port << " (config " << cfg_.file_used()
      << "; pools: " << (pools.empty() ? "none" : pools) << "; " << h.io_threads
      << " IO threads)\n";
  out << "  config file:  " << cfg_.file_used() << "\n";
  out << "  http:         " << h.address << ":" << port << ", " << h.io_threads
      << " IO thread(s), at most " << h.max_connections << " connections, request timeout "
      << h.request_timeout.count() << " ms, shutdown grace " << settings_.shutdown_grace.count()
      << " ms\n";
  out << "  scheduler:    " << sys_->scheduler().num_workers() << " thread(s), policy "
      << caf::to_string(caf::get_or(cfg_.content, "scheduler.policy", caf::atom("stealing")))
      << "\n";
  for (const auto& p : pool_lines_)
    out << p;
  out << "  routes:      ";
  for (const auto& r : route_names_)
    out << " " << r;
  out << "\n";
  const auto& a = settings_.access_log;
  out << "  access log:   ";
  if (access_log_)
    out << a.target << ", " << (a.format == access_log_format::plain ? "plain" : "json")
        << ", queue " << a.queue_lines << " lines (oldest dropped when full)\n";
  else
    out << "off\n";
  return out.str();
}

std::shared_ptr<rpc::pool_stats> gateway::list_pool(std::shared_ptr<rpc::pool_stats> stats) {
  bool shared = std::any_of(pool_stats_.begin(), pool_stats_.end(),
                            [&](const auto& p) { return p == stats; });
  if (!stats || shared) { // two pools given the same options: one stats each
    auto fresh = std::make_shared<rpc::pool_stats>();
    fresh->name = stats ? stats->name : std::string{};
    stats = fresh;
  }
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
  return stats;
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
  metrics_ = std::make_shared<metrics::registry>(std::move(patterns), pool_stats_, ws_stats_);
  // Hosted: a scrape renders a few KB, too little to be worth a thread hand-off.
  route(method::get, m.path,
        hosted(metrics::metrics_route, std::shared_ptr<const metrics::registry>(metrics_)));
  if (!m.admin_path.empty()) {
    route(method::get, m.admin_path, hosted(metrics::fixed_route, metrics::admin_page()));
    route(method::get, config_path,
          hosted(metrics::fixed_route, response::raw_json(200, cfg_.settings_json())));
  }
  server_->observe(metrics_->observer());
}

void gateway::reload_tls() {
  if (settings_.http.tls_cert.empty())
    return;
  auto why = server_->reload_tls();
  if (why.empty())
    std::cout << program_ << ": SIGHUP: TLS certificate and key reloaded from \""
              << settings_.http.tls_cert << "\"" << std::endl;
  else
    std::cerr << program_ << ": SIGHUP: kept the TLS pair in use: " << why << std::endl;
}

int gateway::run() {
  int rc = 0;
  // The built-in routes come after the user's: a clash names the option.
  auto added = [this](const char* keys, const std::function<void()>& add) {
    try {
      add();
      return true;
    } catch (const std::invalid_argument& e) {
      std::cerr << program_ << ": " << keys << ": " << e.what() << std::endl;
      return false;
    }
  };
  if (!added("http.health-path", [this] { add_health_route(); }) ||
      !added("http.ready-path",
             [this] {
               if (!settings_.ready_path.empty())
                 route(method::get, settings_.ready_path,
                       per_thread(ready_route, pool_stats_,
                                  std::shared_ptr<const std::atomic<bool>>{stopping_}));
             }) ||
      !added("http.metrics-path or http.admin-path", [this] { add_metrics(); }))
    return 2;
  try {
    auto port = server_->start(routes_);
    // One write: access log lines on stdout cannot land inside the block.
    std::cout << startup_summary(port) << std::flush;
    int sig = wait_for_stop_signal([this] { reload_tls(); });
    if (settings_.drain_delay.count() > 0) {
      stopping_->store(true);
      std::cout << program_ << ": signal " << sig << ", " << settings_.ready_path
                << " answers 503; serving for " << settings_.drain_delay.count()
                << " ms before the drain (a second signal cuts it short)" << std::endl;
      if (int again = wait_for_stop_signal(settings_.drain_delay))
        sig = again;
    }
    std::cout << program_ << ": signal " << sig << ", draining for up to "
              << settings_.shutdown_grace.count() << " ms" << std::endl;
    auto before = answered_->answered.load();
    auto began = std::chrono::steady_clock::now();
    auto cut = server_->shutdown(settings_.shutdown_grace);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - began);
    std::ostringstream line;
    line << program_ << ": drained in " << took.count()
         << " ms: " << answered_->answered.load() - before
         << " requests answered during the drain, " << cut
         << " connections still open when the grace ran out (cut)\n";
    std::cout << line.str() << std::flush;
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
  if (access_log_) {
    // No exchange can come any more: write out what is queued first, so
    // that the count is final and the lines precede "stopped" on stdout.
    access_log_->close();
    std::cout << program_ << ": access log: " << access_log_->lines() << " lines, "
              << access_log_->dropped() << " dropped (queue full), " << access_log_->write_errors()
              << " write errors" << std::endl;
  }
  std::cout << program_ << ": stopped" << std::endl;
  return rc;
}

} // namespace actorgate
