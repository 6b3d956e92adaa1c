#include "actorgate/metrics/http_metrics.hpp"

#include <algorithm>

namespace actorgate::metrics {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::size_t method_index(std::string_view m) {
  for (std::size_t i = 0; i + 1 < method_labels.size(); ++i)
    if (m == method_labels[i])
      return i;
  return method_labels.size() - 1;
}

std::size_t status_class_index(unsigned status) {
  // The server only writes 1xx..5xx; clamp anything else rather than grow
  // the label set.
  auto c = static_cast<std::size_t>(status / 100);
  return std::clamp<std::size_t>(c, 1, status_class_labels.size()) - 1;
}

std::size_t bucket_index(std::uint64_t ns) {
  auto it = std::lower_bound(duration_buckets.begin(), duration_buckets.end(), ns,
                             [](const bucket_bound& b, std::uint64_t v) { return b.ns < v; });
  return static_cast<std::size_t>(it - duration_buckets.begin());
}

} // namespace

// One route's numbers on cache lines of their own: different routes, served
// by different IO threads, do not invalidate each other's counters.
struct alignas(64) http_metrics::route_cells {
  std::array<std::atomic<std::uint64_t>, method_labels.size() * status_class_labels.size()>
      requests{};
  std::array<std::atomic<std::uint64_t>, duration_buckets.size() + 1> buckets{};
  std::atomic<std::uint64_t> duration_ns{0};
};

http_metrics::http_metrics(std::vector<std::string> patterns) {
  labels_.reserve(patterns.size() + 2);
  labels_.emplace_back(unrouted_label);
  for (auto& p : patterns)
    if (std::find(labels_.begin(), labels_.end(), p) == labels_.end())
      labels_.push_back(std::move(p)); // GET and POST on one pattern: one label
  labels_.emplace_back("other");
  // labels_ no longer changes: the views below stay valid.
  for (std::size_t i = 1; i + 1 < labels_.size(); ++i)
    index_.emplace(labels_[i], i);
  routes_ = std::make_unique<route_cells[]>(labels_.size());
}

http_metrics::~http_metrics() = default;

std::size_t http_metrics::route_index(std::string_view pattern) const {
  if (pattern.empty())
    return 0;
  auto it = index_.find(pattern);
  return it == index_.end() ? labels_.size() - 1 : it->second;
}

void http_metrics::on_connection_open() noexcept {
  opened_.fetch_add(1, relaxed);
}

void http_metrics::on_connection_close() noexcept {
  closed_.fetch_add(1, relaxed);
}

void http_metrics::on_connection_refused() noexcept {
  refused_.fetch_add(1, relaxed);
}

void http_metrics::on_tls_handshake_failed() noexcept {
  tls_failed_.fetch_add(1, relaxed);
}

void http_metrics::on_request_routed() noexcept {
  routed_.fetch_add(1, relaxed);
}

void http_metrics::on_exchange(const http::exchange& x) noexcept {
  auto& r = routes_[route_index(x.route)];
  auto cell = method_index(x.method) * status_class_labels.size() + status_class_index(x.status);
  r.requests[cell].fetch_add(1, relaxed);
  auto ns = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::nanoseconds(x.duration).count()));
  r.buckets[bucket_index(ns)].fetch_add(1, relaxed);
  r.duration_ns.fetch_add(ns, relaxed);
  bytes_out_.fetch_add(x.bytes_out, relaxed);
  if (!x.route.empty())
    routed_answered_.fetch_add(1, relaxed);
}

void http_metrics::render(text_writer& w) const {
  const auto n = labels_.size();
  const auto other = n - 1;

  // Only combinations seen so far: routes x methods x classes is mostly zero.
  w.family("actorgate_http_requests_total", metric_type::counter,
           "HTTP requests answered (or, 499, whose client left first), by route pattern "
           "(\"none\": no route took it), method and status class.");
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t m = 0; m < method_labels.size(); ++m)
      for (std::size_t c = 0; c < status_class_labels.size(); ++c) {
        auto v = routes_[i].requests[m * status_class_labels.size() + c].load(relaxed);
        if (v != 0)
          w.sample("actorgate_http_requests_total",
                   {{"route", labels_[i]},
                    {"method", method_labels[m]},
                    {"code", status_class_labels[c]}},
                   v);
      }

  w.family("actorgate_http_request_duration_seconds", metric_type::histogram,
           "Time from a request's first byte to its response's last byte written, by route "
           "pattern.");
  for (std::size_t i = 0; i < n; ++i) {
    histogram_snapshot h;
    std::uint64_t total = 0;
    for (std::size_t b = 0; b < h.counts.size(); ++b)
      total += h.counts[b] = routes_[i].buckets[b].load(relaxed);
    if (i == other && total == 0)
      continue; // an unlisted pattern never came: no series for it
    h.sum_seconds = static_cast<double>(routes_[i].duration_ns.load(relaxed)) / 1e9;
    w.histogram("actorgate_http_request_duration_seconds", {{"route", labels_[i]}}, h);
  }

  // Read the later event first, so that the differences never go negative.
  auto closed = closed_.load(relaxed);
  auto opened = opened_.load(relaxed);
  w.single("actorgate_http_open_connections", metric_type::gauge, "HTTP connections open now.",
           opened - closed);

  auto answered = routed_answered_.load(relaxed);
  auto routed = routed_.load(relaxed);
  w.single("actorgate_http_in_flight_requests", metric_type::gauge,
           "Requests sent to a route actor and not answered yet (this scrape included).",
           routed - answered);

  w.single("actorgate_http_refused_connections_total", metric_type::counter,
           "Connections closed at accept because http.max-connections were open.",
           refused_.load(relaxed));

  w.single("actorgate_http_tls_handshake_failures_total", metric_type::counter,
           "TLS handshakes that failed (plain HTTP on the TLS port, TLS below 1.2, a client "
           "that rejected the certificate, a timeout); 0 without TLS.",
           tls_failed_.load(relaxed));

  w.single("actorgate_http_response_bytes_total", metric_type::counter,
           "Bytes of HTTP responses written to sockets.", bytes_out_.load(relaxed));
}

} // namespace actorgate::metrics
