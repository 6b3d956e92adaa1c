// text_format: writes the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). It only
// formats: where the numbers come from is the caller's business.
//
//   metrics::text_writer w;
//   w.family("actorgate_pool_workers", metrics::metric_type::gauge, "Blocking workers.");
//   w.sample("actorgate_pool_workers", {{"pool", "backend"}}, std::uint64_t{8});
//   std::string body = w.take();   // served with metrics::content_type
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace actorgate::metrics {

/// The Content-Type of the exposition format this writer produces.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

enum class metric_type { counter, gauge, histogram };

struct label {
  std::string_view name;
  std::string_view value;
};

/// The latency buckets every duration histogram uses: 100 us .. 10 s. The
/// bounds are kept as text too, so that `le` reads exactly as configured
/// rather than as a double's shortest form of a nanosecond count.
struct bucket_bound {
  std::uint64_t ns;
  std::string_view le;
};
inline constexpr std::array<bucket_bound, 16> duration_buckets{{
    {100'000, "0.0001"},
    {250'000, "0.00025"},
    {500'000, "0.0005"},
    {1'000'000, "0.001"},
    {2'500'000, "0.0025"},
    {5'000'000, "0.005"},
    {10'000'000, "0.01"},
    {25'000'000, "0.025"},
    {50'000'000, "0.05"},
    {100'000'000, "0.1"},
    {250'000'000, "0.25"},
    {500'000'000, "0.5"},
    {1'000'000'000, "1"},
    {2'500'000'000, "2.5"},
    {5'000'000'000, "5"},
    {10'000'000'000, "10"},
}};

/// One duration histogram as read at one moment: per-bucket (not
/// cumulative) counts, the last one for observations above every bound.
struct histogram_snapshot {
  std::array<std::uint64_t, duration_buckets.size() + 1> counts{};
  double sum_seconds = 0;
};

class text_writer {
public:
  /// Starts a metric family: its # HELP and # TYPE lines. Every sample of
  /// the family must follow before the next family starts.
  void family(std::string_view name, metric_type type, std::string_view help);

  void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value);
  void sample(std::string_view name, std::initializer_list<label> labels, double value);

  /// A family with one sample and no labels: its name written once.
  void single(std::string_view name, metric_type type, std::string_view help, std::uint64_t value);
  void single(std::string_view name, metric_type type, std::string_view help, double value);

  /// The _bucket (cumulative, ending with le="+Inf"), _sum and _count lines
  /// of one histogram; _count always equals the +Inf bucket.
  void histogram(std::string_view name, std::initializer_list<label> labels,
                 const histogram_snapshot& h);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  void series(std::string_view name, std::string_view suffix, std::initializer_list<label> labels,
              const label* extra);

  std::string out_;
};

/// A label value as the format wants it: backslash, double quote and line
/// feed escaped as \\, \" and \n.
std::string escape_label_value(std::string_view v);

} // namespace actorgate::metrics
