// http_metrics: an exchange observer that counts requests by route pattern,
// method and status class, times them per route, and tracks connections and
// requests in flight. Everything is a relaxed atomic in arrays sized at
// construction from the route patterns known at start-up: the request path
// takes no lock and allocates nothing.
//
//   auto m = std::make_shared<metrics::http_metrics>(
//       std::vector<std::string>{"/ping", "/users/:id"});
//   server.observe(m);               // before server.start()
//   ...
//   metrics::text_writer w;
//   m->render(w);
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actorgate/http/exchange.hpp"
#include "actorgate/metrics/text_format.hpp"

namespace actorgate::metrics {

/// Methods are counted as one of these; anything else (or a request line
/// that never parsed) as "other". A fixed set keeps label cardinality bounded
/// whatever clients send.
inline constexpr std::array<std::string_view, 8> method_labels{
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"};
inline constexpr std::array<std::string_view, 5> status_class_labels{"1xx", "2xx", "3xx", "4xx",
                                                                     "5xx"};
/// The route label of requests no route took (404, 405, 501, malformed):
/// not "", which Prometheus treats as a missing label.
inline constexpr std::string_view unrouted_label = "none";

class http_metrics final : public http::exchange_observer {
public:
  /// `patterns`: every route pattern the route table will hold. A pattern
  /// that reaches on_exchange() without being listed here is counted under
  /// route="other" (and never happens when gateway wires this).
  explicit http_metrics(std::vector<std::string> patterns);
  ~http_metrics() override;

  void on_connection_open() noexcept override;
  void on_connection_close() noexcept override;
  void on_connection_refused() noexcept override;
  void on_tls_handshake_failed() noexcept override;
  void on_request_routed() noexcept override;
  void on_exchange(const http::exchange& x) noexcept override;

  /// Appends every family of this observer to `w`. Safe while requests run;
  /// each number is read once, so related numbers may be a request apart.
  void render(text_writer& w) const;

private:
  struct route_cells;
  std::size_t route_index(std::string_view pattern) const;

  // Index 0: unrouted, 1..n: the patterns, n+1: a pattern not listed.
  std::vector<std::string> labels_;
  std::unordered_map<std::string_view, std::size_t> index_; // views into labels_
  std::unique_ptr<route_cells[]> routes_;

  std::atomic<std::uint64_t> opened_{0};
  std::atomic<std::uint64_t> closed_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> tls_failed_{0};
  std::atomic<std::uint64_t> routed_{0};
  std::atomic<std::uint64_t> routed_answered_{0};
  std::atomic<std::uint64_t> bytes_out_{0};
};

} // namespace actorgate::metrics
